using XenHotplug.TestSupport;

namespace XenHotplug.IntegrationTests.Render;

/// <summary>
/// `network-multibridge render` output checked by the tools that consume it: systemd-networkd and ifupdown's ifup
/// build the bridge from it (each in a private mount and network namespace: `unshare -m -n`, tmpfs over /run and
/// /etc/network, sysfs remounted; nothing of the host is touched), NetworkManager's `nmcli --offline` parses and
/// normalises the keyfiles. ifupdown and nmcli are the Debian packages unpacked (not installed) by install-deps.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class RenderTests
{
    private static string Tools
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "XenHotplug.sln"))) dir = dir.Parent;
            var root = Path.Combine(dir?.FullName ?? ".", "tests", ".tools", "root");
            Assert.True(Directory.Exists(root), $"{root} is missing: run tests/scripts/install-deps.sh");
            return root;
        }
    }

    // The dom0 of these tests: eth0 (MAC 52:54:00:12:34:56) cabled to lan0, 10.77.0.2/24 and fd77::2/64, a default
    // route and a static route; with $mode = dhcp the IPv4 address has a lease lifetime and the default route is
    // proto dhcp. $1 network-multibridge, $2 scratch directory, $3 static|dhcp.
    private const string Dom0 = """
        set -eu
        net=$1 work=$2 mode=$3
        mount -t tmpfs tmpfs /run
        ip link set lo up
        ip link add eth0 type veth peer name lan0
        ip link set eth0 address 52:54:00:12:34:56
        ip link set lan0 up
        ip link set eth0 up
        if [ "$mode" = dhcp ]; then
          ip address add 10.77.0.2/24 dev eth0 valid_lft 3600 preferred_lft 3600
          ip route add default via 10.77.0.1 dev eth0 proto dhcp metric 100
        else
          ip address add 10.77.0.2/24 dev eth0
          ip route add default via 10.77.0.1 dev eth0
        fi
        ip address add fd77::2/64 dev eth0 nodad
        ip route add 10.100.0.0/16 via 10.77.0.1 dev eth0 metric 50 proto static
        printf '[bridge:xenbr0]\nuplink = eth0\nmtu = 1400\n\n[bridge:xenhost]\n' >"$work/multibridge.ini"
        export XEN_MULTIBRIDGE_CONFIG="$work/multibridge.ini" XEN_MULTIBRIDGE_SYSLOG=/nonexistent
        # What the distribution's tool will configure: the NIC's own addressing goes (as after a reboot).
        flush_eth0() { ip address flush dev eth0 scope global; ip route flush dev eth0 proto static; ip route flush dev eth0 proto dhcp; ip route flush dev eth0 proto boot; }
        wait_for() { for _ in $(seq 200); do if eval "$1"; then return 0; fi; sleep 0.1; done; echo "timed out waiting for: $1" >&2; return 1; }
        report() {
          echo "== state"
          echo "master $(basename "$(readlink /sys/class/net/eth0/master)")"
          echo "mtu $(cat /sys/class/net/xenbr0/mtu) mac $(cat /sys/class/net/xenbr0/address) stp $(cat /sys/class/net/xenbr0/bridge/stp_state) fd $(cat /sys/class/net/xenbr0/bridge/forward_delay)"
          echo "xenhost $(test -d /sys/class/net/xenhost/bridge && echo bridge || echo missing)"
          ip -o address show dev xenbr0 scope global | awk '{print "address", $4}'
          ip route show dev xenbr0 | grep -v 'proto kernel' | sed 's/^/route /'
        }
        """;

    private const string Networkd = Dom0 + """

        mount -t sysfs -o ro sysfs /sys   # read-only: networkd then knows no udev runs here
        "$net" render networkd --output /run/systemd/network >"$work/render.out"
        cat /run/systemd/network/* >"$work/files"
        flush_eth0
        mkdir -p /run/systemd/netif && chown systemd-network:systemd-network /run/systemd/netif
        /lib/systemd/systemd-networkd >"$work/networkd.log" 2>&1 &
        pid=$!
        trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
        wait_for '[ "$(readlink /sys/class/net/eth0/master 2>/dev/null)" != "" ] && [ -d /sys/class/net/xenhost ]'
        if [ "$mode" = static ]; then wait_for 'ip route show dev xenbr0 | grep -q "^default via 10.77.0.1" && ip route show dev xenbr0 | grep -q "^10.100.0.0/16"'; fi
        wait_for 'ip -o address show dev xenbr0 | grep -q "fd77::2/64"'
        report
        echo "== networkd"
        cat "$work/networkd.log"
        """;

    private const string Ifupdown = Dom0 + """

        mount -t sysfs sysfs /sys
        tools=$4
        mount -t tmpfs tmpfs /etc/network
        mkdir -p /etc/network/interfaces.d /etc/network/if-pre-up.d /etc/network/if-up.d /etc/network/if-down.d /etc/network/if-post-down.d /run/network
        ln -s /lib/bridge-utils/ifupdown.sh /etc/network/if-pre-up.d/bridge
        ln -s /lib/bridge-utils/ifupdown.sh /etc/network/if-post-down.d/bridge
        printf 'auto lo\niface lo inet loopback\n\nsource /etc/network/interfaces.d/*\n' >/etc/network/interfaces
        "$net" render ifupdown --output /etc/network/interfaces.d >"$work/render.out"
        cat /etc/network/interfaces.d/* >"$work/files"
        echo "== ifquery"
        "$tools/sbin/ifquery" --list
        "$tools/sbin/ifquery" xenbr0
        flush_eth0
        # dad-attempts 0: ifupdown's DAD helper is not on this machine (the package is only unpacked).
        "$tools/sbin/ifup" -o dad-attempts=0 xenbr0 xenhost >"$work/ifup.log" 2>&1 || { cat "$work/ifup.log" >&2; exit 1; }
        report
        """;

    private static (string Output, string Files) RunScript(string script, string mode, params string[] extra)
    {
        var work = Directory.CreateTempSubdirectory("xhp-render-").FullName;
        try
        {
            var path = Path.Combine(work, "test.sh");
            File.WriteAllText(path, script);
            var r = Proc.Run("unshare", ["--mount", "--net", "--propagation", "private", "bash", path, Binaries.Network, work, mode, .. extra],
                timeout: TimeSpan.FromSeconds(120));
            Assert.True(r.ExitCode == 0, r.ToString());
            return (r.StdOut, File.ReadAllText(Path.Combine(work, "files")));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static string State(string output) => output.Split("== state\n")[1].Split("== ")[0];

    /// <summary>The tool built xenbr0 as rendered: the NIC its port, the MTU and the NIC's MAC, STP off, forward delay 0.</summary>
    private static void AssertBridgeAsRendered(string state)
    {
        Assert.Contains("master xenbr0\n", state, StringComparison.Ordinal);
        Assert.Contains("mtu 1400 mac 52:54:00:12:34:56 stp 0 fd 0\n", state, StringComparison.Ordinal);
    }

    /// <summary>networkd names a file and line for anything it does not accept: nothing of the kind.</summary>
    private static void AssertNetworkdAcceptedEverything(string output) =>
        Assert.DoesNotMatch(@"/run/systemd/network/[^:\s]+:\d+:", output.Split("== networkd")[1]);

    [Fact]
    public void Networkd_builds_the_bridge_with_the_static_addresses_and_routes_no_warnings()
    {
        var (output, files) = RunScript(Networkd, "static");
        var state = State(output);
        AssertBridgeAsRendered(state);
        Assert.Contains("xenhost bridge\n", state, StringComparison.Ordinal);
        Assert.Contains("address 10.77.0.2/24\n", state, StringComparison.Ordinal);
        Assert.Contains("address fd77::2/64\n", state, StringComparison.Ordinal);
        Assert.Matches(@"route default via 10\.77\.0\.1 proto static", state);
        Assert.Matches(@"route 10\.100\.0\.0/16 via 10\.77\.0\.1 proto static metric 50", state);
        AssertNetworkdAcceptedEverything(output);
        Assert.Contains("Configuring with /run/systemd/network/05-xenbr0.network", output, StringComparison.Ordinal);
        Assert.DoesNotContain("DHCP=", files, StringComparison.Ordinal);
    }

    [Fact]
    public void Networkd_dynamic_uplink_becomes_dhcp_on_the_bridge_with_the_nics_mac()
    {
        var (output, files) = RunScript(Networkd, "dhcp");
        var state = State(output);
        AssertBridgeAsRendered(state);
        Assert.Contains("DHCP=ipv4\n", files, StringComparison.Ordinal);
        Assert.Contains("ClientIdentifier=mac\n", files, StringComparison.Ordinal);
        Assert.DoesNotContain("Address=10.77.0.2/24", files, StringComparison.Ordinal);
        Assert.Contains("Address=fd77::2/64", files, StringComparison.Ordinal);
        AssertNetworkdAcceptedEverything(output);
    }

    [Fact]
    public void Ifupdown_ifquery_parses_ifup_builds_the_bridge()
    {
        var (output, files) = RunScript(Ifupdown, "static", Tools);
        var query = output.Split("== ifquery\n")[1].Split("== state")[0];
        Assert.Contains("xenbr0\n", query, StringComparison.Ordinal);
        Assert.Contains("xenhost\n", query, StringComparison.Ordinal);
        Assert.Contains("bridge_ports: eth0\n", query, StringComparison.Ordinal);
        Assert.Contains("bridge_stp: off\n", query, StringComparison.Ordinal);
        Assert.Contains("bridge_fd: 0\n", query, StringComparison.Ordinal);
        Assert.Contains("address: 10.77.0.2\n", query, StringComparison.Ordinal);
        Assert.Contains("netmask: 255.255.255.0\n", query, StringComparison.Ordinal);
        var state = State(output);
        AssertBridgeAsRendered(state);
        Assert.Contains("xenhost bridge\n", state, StringComparison.Ordinal);
        Assert.Contains("address 10.77.0.2/24\n", state, StringComparison.Ordinal);
        Assert.Contains("address fd77::2/64\n", state, StringComparison.Ordinal);
        Assert.Matches(@"route default via 10\.77\.0\.1", state);
        Assert.Matches(@"route 10\.100\.0\.0/16 via 10\.77\.0\.1 metric 50", state);
        Assert.Contains("iface eth0 inet manual\n", files, StringComparison.Ordinal);
    }

    [Fact]
    public void Ifupdown_dynamic_uplink_is_inet_dhcp()
    {
        using var lab = new SimulatedDom0();
        lab.AddLanUplink("eth0", 0, defaultRoute: true);
        lab.Dom0.Ip("address", "change", "10.77.0.2/24", "dev", "eth0", "valid_lft", "3600", "preferred_lft", "3600");
        lab.WriteConfig("[bridge:xenbr0]\nuplink = eth0\n");
        var r = lab.NetworkTool("render", "ifupdown");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("### /etc/network/interfaces.d/xenbr0\n", r.StdOut, StringComparison.Ordinal);
        Assert.Contains("iface xenbr0 inet dhcp\n", r.StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain("address 10.77.0.2", r.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public void Nm_keyfiles_are_accepted_by_nmcli_offline_with_mode_0600()
    {
        using var lab = new SimulatedDom0();
        lab.AddLanUplink("eth0", 0, defaultRoute: true);
        lab.WriteConfig("[bridge:xenbr0]\nuplink = eth0\nmtu = 1400\n\n[bridge:xenhost]\n");
        var dir = Path.Combine(lab.WorkDir, "system-connections");
        var r = lab.NetworkTool("render", "nm", "--output", dir);
        Assert.True(r.ExitCode == 0, r.ToString());
        var files = Directory.GetFiles(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["xenbr0-port-eth0.nmconnection", "xenbr0.nmconnection", "xenhost.nmconnection"], files);
        var mac = lab.Dom0.Json("link", "show", "eth0")[0]!["address"]!.GetValue<string>().ToUpperInvariant();
        var normalised = new Dictionary<string, string>();
        foreach (var file in Directory.GetFiles(dir))
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            var nm = Proc.Run(Path.Combine(Tools, "usr", "bin", "nmcli"), ["--offline", "connection", "modify", "connection.autoconnect", "yes"],
                new Dictionary<string, string> { ["LD_LIBRARY_PATH"] = Path.Combine(Tools, "usr", "lib", "x86_64-linux-gnu") },
                stdin: File.ReadAllText(file));
            Assert.True(nm.ExitCode == 0, Path.GetFileName(file) + ": " + nm);
            normalised[Path.GetFileName(file)] = nm.StdOut;
        }
        var bridge = normalised["xenbr0.nmconnection"];
        Assert.Contains("type=bridge\n", bridge, StringComparison.Ordinal);
        Assert.Contains("stp=false\n", bridge, StringComparison.Ordinal);
        Assert.Contains($"cloned-mac-address={mac}\n", bridge.ToUpperInvariant().Replace("CLONED-MAC-ADDRESS", "cloned-mac-address", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("mtu=1400\n", bridge, StringComparison.Ordinal);
        Assert.Contains("address1=10.77.0.2/24,10.77.0.1\n", bridge, StringComparison.Ordinal);
        Assert.Contains("route1=10.100.0.0/16,10.77.0.1,50\n", bridge, StringComparison.Ordinal);
        Assert.Contains("address1=fd77::2/64", bridge, StringComparison.Ordinal);
        Assert.Contains("method=manual\n", bridge, StringComparison.Ordinal);
        var port = normalised["xenbr0-port-eth0.nmconnection"];
        Assert.Contains("master=xenbr0\n", port, StringComparison.Ordinal);
        Assert.Contains("slave-type=bridge\n", port, StringComparison.Ordinal);
        Assert.Contains("interface-name=eth0\n", port, StringComparison.Ordinal);
    }

    // In the simulated dom0's namespace (`ip netns exec` then `unshare -m`): networkd builds the bridges from the
    // rendered files in $1, and is stopped once both uplinks are ports (the bridges stay, as after boot).
    private const string NetworkdInDom0 = """
        set -eu
        files=$1
        mount -t tmpfs tmpfs /run
        mount -o remount,ro /sys   # read-only: networkd then knows no udev runs here
        mkdir -p /run/systemd/network /run/systemd/netif
        chown systemd-network:systemd-network /run/systemd/netif
        cp "$files"/*.netdev "$files"/*.network /run/systemd/network/
        /lib/systemd/systemd-networkd >"$files/networkd.log" 2>&1 &
        pid=$!
        trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
        for _ in $(seq 200); do
          [ -e /sys/class/net/eth0/master ] && [ -e /sys/class/net/eth1/master ] && [ "$(cat /sys/class/net/xenbr1/operstate)" = up ] && break
          sleep 0.1
        done
        [ -e /sys/class/net/eth0/master ] && [ -e /sys/class/net/eth1/master ] || { cat "$files/networkd.log" >&2; exit 1; }
        """;

    [Fact]
    public void Bridges_built_by_networkd_are_pooled_by_vif_multibridge()
    {
        using var host = new SimulatedDom0("""
            [policy]
            auto_bridge = xenbr0
            default_pool = default
            [bridge:xenbr0]
            uplink = eth0
            [bridge:xenbr1]
            uplink = eth1
            [pool:default]
            bridges = xenbr0 xenbr1
            strategy = least-loaded
            """);
        host.AddUplink("eth0");
        host.AddUplink("eth1");
        var files = Path.Combine(host.WorkDir, "networkd");
        var render = host.Dom0.Exec(Binaries.Network, ["render", "networkd", "--output", files],
            new Dictionary<string, string> { ["XEN_MULTIBRIDGE_CONFIG"] = host.ConfigPath, ["XEN_MULTIBRIDGE_SYSLOG"] = "/nonexistent" });
        Assert.True(render.Ok, render.ToString());
        var script = Path.Combine(host.WorkDir, "networkd.sh");
        File.WriteAllText(script, NetworkdInDom0);
        var networkd = host.Dom0.Exec("unshare", ["--mount", "--propagation", "private", "bash", script, files], timeout: TimeSpan.FromSeconds(90));
        Assert.True(networkd.Ok, networkd.ToString());
        Assert.Equal("xenbr0", host.Dom0.MasterOf("eth0"));
        Assert.Equal("xenbr1", host.Dom0.MasterOf("eth1"));

        for (var domid = 1; domid <= 4; domid++)
        {
            host.AddGuest(domid, 0, "xenbr0");
            var r = host.Hotplug("online", domid, 0);
            Assert.True(r.Ok, r.ToString());
        }
        Assert.Equal(2, host.Dom0.Ports("xenbr0").Count(p => p.StartsWith("vif", StringComparison.Ordinal)));
        Assert.Equal(2, host.Dom0.Ports("xenbr1").Count(p => p.StartsWith("vif", StringComparison.Ordinal)));
    }

    [Fact]
    public void Render_with_a_missing_nic_renders_the_others_exits_partial_and_a_bad_format_is_usage()
    {
        using var lab = new SimulatedDom0();
        lab.AddLanUplink("eth0", 0, defaultRoute: true);
        lab.WriteConfig("[bridge:xenbr0]\nuplink = eth0\n\n[bridge:xenbr9]\nuplink = enp9s0\n");
        var r = lab.NetworkTool("render", "networkd");
        Assert.True(r.ExitCode == 3, r.ToString());
        Assert.Contains("### /etc/systemd/network/05-xenbr0.netdev\n", r.StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain("xenbr9", r.StdOut, StringComparison.Ordinal);
        Assert.Contains("bridge xenbr9: uplink enp9s0 does not exist", r.StdErr, StringComparison.Ordinal);
        Assert.Equal(2, lab.NetworkTool("render", "yast").ExitCode);
        Assert.Equal(2, lab.NetworkTool("render").ExitCode);
    }
    [Fact]
    public void Render_refuses_names_networkd_reads_as_patterns_and_renders_the_others()
    {
        using var lab = new SimulatedDom0();
        lab.AddLanUplink("eth0", 0, defaultRoute: true);
        lab.AddLanUplink("e*", 1, defaultRoute: false);
        lab.WriteConfig("[bridge:xenbr0]\nuplink = eth0\n\n[bridge:xenbr1]\nuplink = e*\n\n[bridge:br?]\n");
        var r = lab.NetworkTool("render", "networkd");
        Assert.True(r.ExitCode == 3, r.ToString());
        Assert.Contains("### /etc/systemd/network/05-xenbr0.netdev\n", r.StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain("xenbr1", r.StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain("Name=e*", r.StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain("Name=br?", r.StdOut, StringComparison.Ordinal);
        Assert.Contains("cannot render xenbr1's uplink e* as systemd-networkd configuration: 'e*' contains '*'", r.StdErr, StringComparison.Ordinal);
        Assert.Contains("cannot render bridge br? as systemd-networkd configuration", r.StdErr, StringComparison.Ordinal);
        // NetworkManager takes the same names literally, escaped.
        Assert.True(lab.NetworkTool("render", "nm").ExitCode == 0);
    }

    [Fact]
    public void A_newline_in_the_configuration_path_never_becomes_a_line_of_a_rendered_file()
    {
        using var lab = new SimulatedDom0();
        lab.AddLanUplink("eth0", 0, defaultRoute: true);
        var dir = Path.Combine(lab.WorkDir, "x\n[Match]\nName=*\nAddress=10.9.9.9/8\n");
        Directory.CreateDirectory(dir);
        var config = Path.Combine(dir, "multibridge.ini");
        File.WriteAllText(config, "[bridge:xenbr0]\nuplink = eth0\n");
        File.SetUnixFileMode(config, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        foreach (var format in new[] { "networkd", "ifupdown", "nm" })
        {
            var r = lab.NetworkTool(["render", format], new Dictionary<string, string> { ["XEN_MULTIBRIDGE_CONFIG"] = config });
            Assert.True(r.ExitCode == 0, r.ToString());
            var lines = r.StdOut.Split('\n');
            Assert.DoesNotContain("Name=*", lines);
            Assert.DoesNotContain("Address=10.9.9.9/8", lines);
            Assert.Contains(lines, l => l.StartsWith('#') && l.Contains("x\\x0a[Match]\\x0aName=*", StringComparison.Ordinal));
        }
    }
}
