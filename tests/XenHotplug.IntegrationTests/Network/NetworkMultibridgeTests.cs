using System.Text.Json.Nodes;
using XenHotplug.TestSupport;

namespace XenHotplug.IntegrationTests.Network;

/// <summary>network-multibridge on a simulated dom0 (network namespaces). Needs root and $XEN_MULTIBRIDGE_BIN.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class NetworkMultibridgeTests
{
    private const string OneBridge = "[bridge:xenbr0]\nuplink = eth0\n\n[pool:lan]\nbridges = xenbr0\n";

    private static SimulatedDom0 Lab() => new();

    private static List<string> AddressesOf(SimulatedDom0 lab, string dev) =>
        lab.Dom0.Json("addr", "show", "dev", dev)[0]!["addr_info"]!.AsArray()
            .Where(a => a!["scope"]!.GetValue<string>() == "global")
            .Select(a => $"{a!["local"]}/{a["prefixlen"]}").Order(StringComparer.Ordinal).ToList();

    private static string? DefaultRouteDev(SimulatedDom0 lab, bool v6) =>
        lab.Dom0.Json(v6 ? ["-6", "route", "show", "default"] : ["route", "show", "default"]).FirstOrDefault()?["dev"]?.GetValue<string>();

    [Fact]
    public void Start_moves_everything_to_the_bridge_guests_work_and_stop_restores()
    {
        using var lab = Lab();
        lab.AddLanUplink("eth0", 0, defaultRoute: true);
        lab.WriteConfig(OneBridge);
        var before = lab.Snapshot(ignoreNoDad: true);
        var nicAddresses = AddressesOf(lab, "eth0");

        var dry = lab.NetworkTool("start", "--dry-run");
        Assert.True(dry.ExitCode == 0, dry.ToString());
        Assert.Contains("ip link add name xenbr0", dry.StdOut, StringComparison.Ordinal);
        Assert.Null(lab.StateDifference(before, ignoreNoDad: true));

        var start = lab.NetworkTool("start");
        Assert.True(start.ExitCode == 0, start.ToString());
        Assert.True(lab.Dom0.Ping("10.77.0.1", seconds: 5));
        Assert.True(lab.Dom0.Ping("fd77:0::1", seconds: 5));
        Assert.Equal(nicAddresses, AddressesOf(lab, "xenbr0"));
        Assert.Empty(AddressesOf(lab, "eth0"));
        Assert.Equal("xenbr0", DefaultRouteDev(lab, false));
        Assert.Equal("xenbr0", DefaultRouteDev(lab, true));
        var link = lab.Dom0.Json("-d", "link", "show", "xenbr0")[0]!;
        Assert.Equal(lab.Dom0.Json("link", "show", "eth0")[0]!["address"]!.GetValue<string>(), link["address"]!.GetValue<string>());
        Assert.Equal(0, link["linkinfo"]!["info_data"]!["stp_state"]!.GetValue<int>());
        Assert.Equal(0, link["linkinfo"]!["info_data"]!["forward_delay"]!.GetValue<int>());
        Assert.Equal("xenbr0", lab.Dom0.Json("link", "show", "eth0")[0]!["master"]!.GetValue<string>());

        // Idempotent: a second start changes nothing.
        var started = lab.Snapshot();
        var again = lab.NetworkTool("start");
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Null(lab.StateDifference(started));

        // A guest on the bridge reaches the lan.
        var guest = lab.AddBridgedGuest(5, "xenbr0", 0);
        Assert.True(guest.Ping("10.77.0.1", seconds: 5));

        var status = lab.NetworkTool("status");
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Matches(@"xenbr0\s+eth0\s+yes\s+\S+\s+10\.77\.0\.2/24,fd77::2/64\s+1 \(vif5\.0\)\s+lan\s+ok", status.StdOut);
        var json = JsonNode.Parse(lab.NetworkTool("status", "--json").StdOut)!;
        Assert.True(json["healthy"]!.GetValue<bool>());
        Assert.Equal("vif5.0", json["bridges"]![0]!["guests"]![0]!.GetValue<string>());
        Assert.Equal("lan", json["bridges"]![0]!["pools"]![0]!.GetValue<string>());

        // Stop refuses while the guest is attached, naming it, and changes nothing.
        var refused = lab.NetworkTool("stop");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("vif5.0", refused.StdErr, StringComparison.Ordinal);
        Assert.Single(refused.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("xenbr0", DefaultRouteDev(lab, false));

        var forced = lab.NetworkTool("stop", "--force");
        Assert.True(forced.ExitCode == 0, forced.ToString());
        Assert.True(lab.Dom0.Ping("10.77.0.1", seconds: 5));
        Assert.Equal(nicAddresses, AddressesOf(lab, "eth0"));
        Assert.Equal("eth0", DefaultRouteDev(lab, false));
        Assert.Equal("eth0", DefaultRouteDev(lab, true));
        lab.Dom0.Ip("link", "delete", "vif5.0");
        Assert.Null(lab.StateDifference(before, ignoreNoDad: true));

        // Stop when nothing is started succeeds and changes nothing.
        var stopAgain = lab.NetworkTool("stop");
        Assert.True(stopAgain.ExitCode == 0, stopAgain.ToString());
        Assert.Null(lab.StateDifference(before, ignoreNoDad: true));

        // status: the bridge is missing now (LSB: 3).
        Assert.Equal(3, lab.NetworkTool("status").ExitCode);
    }

    [Fact]
    public void Start_and_stop_keep_dom0_reachable()
    {
        using var lab = Lab();
        lab.AddLanUplink("eth0", 0, defaultRoute: true);
        lab.WriteConfig(OneBridge);
        Assert.True(lab.Lan.Ping("10.77.0.2", seconds: 5));
        foreach (var action in new[] { "start", "stop" })
        {
            // The lan pings dom0 every 2 ms while the bridge is made or undone: a fixed count (no deadline that would
            // count replies still in flight as lost), and the action must end while the pings still go.
            var pinger = lab.StartProcess("ip", "netns", "exec", lab.Lan.Name, "ping", "-n", "-q", "-i", "0.002", "-c", "2500", "-W", "2", "10.77.0.2");
            var run = lab.NetworkTool(action);
            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.False(pinger.HasExited, "the pings ended before the action did: the window did not cover it");
            pinger.WaitForExit();
            var summary = pinger.StandardOutput.ReadToEnd();
            var m = System.Text.RegularExpressions.Regex.Match(summary, @"(\d+) packets transmitted, (\d+) received");
            Assert.True(m.Success, summary);
            var lost = int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) - int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(lost <= 5, $"{action}: {lost} pings lost (2 ms apart)\n{summary}");
        }
    }

    [Fact]
    public void Legacy_naming_renames_the_nic_and_stop_restores_it()
    {
        using var lab = Lab();
        lab.AddLanUplink("eth0", 0, defaultRoute: true);
        lab.WriteConfig("[network]\nnaming = legacy\n\n[bridge:xenbr0]\nuplink = eth0\n");
        var before = lab.Snapshot(ignoreNoDad: true);
        var nicAddresses = AddressesOf(lab, "eth0");

        var start = lab.NetworkTool("start");
        Assert.True(start.ExitCode == 0, start.ToString());
        Assert.Equal("bridge", lab.Dom0.Json("-d", "link", "show", "eth0")[0]!["linkinfo"]!["info_kind"]!.GetValue<string>());
        Assert.Equal("eth0", lab.Dom0.Json("link", "show", "peth0")[0]!["master"]!.GetValue<string>());
        Assert.Equal(nicAddresses, AddressesOf(lab, "eth0"));
        Assert.Equal("eth0", DefaultRouteDev(lab, false));
        Assert.True(lab.Dom0.Ping("10.77.0.1", seconds: 5));
        var guest = lab.AddBridgedGuest(3, "eth0", 0);
        Assert.True(guest.Ping("10.77.0.1", seconds: 5));
        Assert.Equal(0, lab.NetworkTool("start").ExitCode);
        Assert.Equal(0, lab.NetworkTool("status").ExitCode);

        var refused = lab.NetworkTool("stop");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("vif3.0", refused.StdErr, StringComparison.Ordinal);
        var stop = lab.NetworkTool("stop", "--force");
        Assert.True(stop.ExitCode == 0, stop.ToString());
        lab.Dom0.Ip("link", "delete", "vif3.0");
        Assert.Null(lab.StateDifference(before, ignoreNoDad: true));
        Assert.True(lab.Dom0.Ping("10.77.0.1", seconds: 5));
    }

    [Fact]
    public void Two_uplinks_two_bridges_each_guest_leaves_by_its_own_uplink()
    {
        using var lab = Lab();
        lab.AddLanUplink("eth0", 0, defaultRoute: true);
        lab.AddLanUplink("eth1", 1, defaultRoute: false);
        lab.WriteConfig("[bridge:xenbr0]\nuplink = eth0\n\n[bridge:xenbr1]\nuplink = eth1\nmtu = 1400\n\n[bridge:xenhost]\nmtu = 1500\n\n[pool:all]\nbridges = xenbr0 xenbr1\n");
        var before = lab.Snapshot(ignoreNoDad: true);

        var start = lab.NetworkTool("start");
        Assert.True(start.ExitCode == 0, start.ToString());
        Assert.Equal(1400, lab.Dom0.Json("link", "show", "xenbr1")[0]!["mtu"]!.GetValue<int>());
        Assert.Equal("bridge", lab.Dom0.Json("-d", "link", "show", "xenhost")[0]!["linkinfo"]!["info_kind"]!.GetValue<string>());
        Assert.True(lab.Dom0.Ping("10.77.0.1", seconds: 5));
        Assert.True(lab.Dom0.Ping("10.77.1.1", seconds: 5));

        var g0 = lab.AddBridgedGuest(1, "xenbr0", 0);
        var g1 = lab.AddBridgedGuest(2, "xenbr1", 1);
        Assert.True(g0.Ping("10.77.0.1", seconds: 5));
        Assert.True(g1.Ping("10.77.1.1", seconds: 5));
        var lan0 = lab.Lan.RxPackets("lan0");
        var lan1 = lab.Lan.RxPackets("lan1");
        // 200 echo requests each: the other uplink may carry a few packets of dom0's own IPv6 chatter
        // meanwhile (router solicitations, MLD), never the guest's traffic.
        Proc.Check("ip", "netns", "exec", g0.Name, "ping", "-q", "-c", "200", "-i", "0.005", "10.77.0.1");
        var lan0After = lab.Lan.RxPackets("lan0");
        var lan1Mid = lab.Lan.RxPackets("lan1");
        Proc.Check("ip", "netns", "exec", g1.Name, "ping", "-q", "-c", "200", "-i", "0.005", "10.77.1.1");
        var lan0End = lab.Lan.RxPackets("lan0");
        Assert.InRange(lan0After - lan0, 200, 215);
        Assert.InRange(lan1Mid - lan1, 0, 15);
        Assert.InRange(lab.Lan.RxPackets("lan1") - lan1Mid, 200, 215);
        Assert.InRange(lan0End - lan0After, 0, 15);

        var status = lab.NetworkTool("status");
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Contains("xenhost", status.StdOut, StringComparison.Ordinal);
        Assert.Matches(@"xenbr1\s+eth1\s+yes", status.StdOut);

        // Guests attached to two bridges: both are named and left as they are; the host-only bridge is stopped (partial: 3).
        var refused = lab.NetworkTool("stop");
        Assert.Equal(3, refused.ExitCode);
        Assert.Equal(2, refused.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("vif", refused.StdErr, StringComparison.Ordinal);
        Assert.Equal(0, lab.NetworkTool("stop", "--force").ExitCode);
        lab.Dom0.Ip("link", "delete", "vif1.0");
        lab.Dom0.Ip("link", "delete", "vif2.0");
        Assert.Null(lab.StateDifference(before, ignoreNoDad: true));
    }

    [Fact]
    public void Classic_arguments_act_on_one_undeclared_bridge()
    {
        using var lab = Lab();
        lab.AddLanUplink("eth0", 0, defaultRoute: true);
        lab.AddLanUplink("eth1", 1, defaultRoute: false);
        lab.WriteConfig(OneBridge);
        var start = lab.NetworkTool("start", "netdev=eth1", "bridge=xenbr7");
        Assert.True(start.ExitCode == 0, start.ToString());
        Assert.Equal("xenbr7", lab.Dom0.Json("link", "show", "eth1")[0]!["master"]!.GetValue<string>());
        Assert.Null(lab.Dom0.Json("link", "show", "eth0")[0]!["master"]);
        Assert.True(lab.Dom0.Ping("10.77.1.1", seconds: 5));
        var stop = lab.NetworkTool("stop", "netdev=eth1", "bridge=xenbr7");
        Assert.True(stop.ExitCode == 0, stop.ToString());
        Assert.Empty(lab.Dom0.Json("link", "show", "type", "bridge"));
    }

    public static TheoryData<string, string, string> BadInputs() => new()
    {
        { "missing uplink", "[bridge:xenbr0]\nuplink = eth9\n", "eth9 does not exist" },
        { "uplink is a bridge", "[bridge:xenbr0]\nuplink = brx\n", "brx is itself a bridge" },
        { "uplink is another bridge's port", "[bridge:xenbr0]\nuplink = eth1\n", "already a port of bridge brx" },
        { "name collision", "[bridge:eth0]\nuplink = eth1\n", "not a bridge" },
        { "two bridges one uplink", "[bridge:xenbr0]\nuplink = eth0\n[bridge:xenbr1]\nuplink = eth0\n", "already the uplink" },
        { "duplicate section", "[bridge:xenbr0]\nuplink = eth0\n[bridge:xenbr0]\nuplink = eth0\n", "xenbr0" },
        { "malformed ini", "[bridge:xenbr0\nuplink = eth0\n", "multibridge.ini:1" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Bad_input_is_a_one_line_error_and_nothing_changes(string what, string ini, string message)
    {
        using var lab = Lab();
        lab.AddLanUplink("eth0", 0, defaultRoute: true);
        lab.AddLanUplink("eth1", 1, defaultRoute: false);
        lab.Dom0.Ip("link", "add", "brx", "type", "bridge");
        if (what == "uplink is another bridge's port")
            lab.Dom0.Ip("link", "set", "eth1", "master", "brx");
        lab.WriteConfig(ini);
        var before = lab.Snapshot();
        var run = lab.NetworkTool("start");
        Assert.True(run.ExitCode == 1, what + ": " + run);
        var lines = run.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, what + ": " + run);
        Assert.Contains(message, lines[0], StringComparison.Ordinal);
        Assert.Null(lab.StateDifference(before));
        Assert.False(File.Exists(Path.Combine(lab.RunDir, "network.journal")));
    }

    [Fact]
    public void Bad_usage_conflicting_classic_uplink_and_not_root()
    {
        using var lab = Lab();
        lab.AddLanUplink("eth0", 0, defaultRoute: true);
        lab.AddLanUplink("eth1", 1, defaultRoute: false);
        lab.WriteConfig(OneBridge);
        var before = lab.Snapshot();

        var usage = lab.NetworkTool("frobnicate");
        Assert.Equal(2, usage.ExitCode);
        Assert.Contains("Usage:", usage.StdErr, StringComparison.Ordinal);
        Assert.Equal(2, lab.NetworkTool().ExitCode);

        var conflict = lab.NetworkTool("start", "bridge=xenbr0", "netdev=eth1");
        Assert.Equal(1, conflict.ExitCode);
        Assert.Contains("declared with uplink eth0", conflict.StdErr, StringComparison.Ordinal);

        var nobody = lab.NetworkToolAsNobody("start");
        Assert.Equal(1, nobody.ExitCode);
        Assert.Contains("root", nobody.StdErr, StringComparison.Ordinal);
        var dry = lab.NetworkToolAsNobody("start", "--dry-run");
        Assert.True(dry.ExitCode == 0, dry.ToString());
        Assert.Contains("master xenbr0", dry.StdOut, StringComparison.Ordinal);
        // status needs no root; --firewall does (the kernel lists nftables tables only to CAP_NET_ADMIN), and says so.
        var status = lab.NetworkToolAsNobody("status");
        Assert.True(status.ExitCode is 0 or 3, status.ToString());
        Assert.Contains("xenbr0", status.StdOut, StringComparison.Ordinal);
        var firewall = lab.NetworkToolAsNobody("status", "--firewall");
        Assert.True(firewall.ExitCode == 4, firewall.ToString());
        Assert.Equal("network-multibridge: status --firewall must be run as root (the kernel lists nftables only to CAP_NET_ADMIN); status alone needs no root",
            firewall.StdErr.Trim());
        Assert.Null(lab.StateDifference(before));

        var help = lab.NetworkTool("--help");
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("XEN_MULTIBRIDGE_CONFIG", help.StdOut, StringComparison.Ordinal);
        Assert.StartsWith("network-multibridge 0.1.0\n", lab.NetworkTool("--version").StdOut, StringComparison.Ordinal);
    }
}
