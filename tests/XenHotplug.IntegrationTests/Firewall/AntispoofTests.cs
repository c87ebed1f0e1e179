using System.Globalization;
using System.Text.RegularExpressions;
using XenHotplug.TestSupport;

namespace XenHotplug.IntegrationTests.Firewall;

/// <summary>
/// antispoof with real nftables in the dom0 namespace: what the guest may send reaches the lan, what it forges is
/// dropped at the bridge (counted on the lan side, where it must never arrive, and by the guard's own counters,
/// which prove it was sent), and the guard comes and goes with the vif.
/// </summary>
public sealed partial class AntispoofTests : IDisposable
{
    private readonly List<IDisposable> _owned = [];

    public void Dispose()
    {
        foreach (var d in Enumerable.Reverse(_owned)) d.Dispose();
    }

    private SimulatedDom0 Host(string config)
    {
        var host = new SimulatedDom0(config);
        _owned.Add(host);
        return host;
    }

    /// <summary>A bridge xenbr0 with an uplink to a lan namespace at 192.0.2.1/24.</summary>
    private static Netns Lan(SimulatedDom0 host)
    {
        host.AddBridge("xenbr0");
        var lan = host.AddUplink("eth0", "xenbr0");
        lan.Ip("address", "add", "192.0.2.1/24", "dev", "lan0");
        return lan;
    }

    private static string Nft(Netns ns, string? stdin, params string[] args)
    {
        var r = Proc.Run("ip", ["netns", "exec", ns.Name, "nft", .. args], stdin: stdin);
        if (!r.Ok) throw new InvalidOperationException(r.ToString());
        return r.StdOut;
    }

    private static string Ruleset(Netns ns) => Nft(ns, null, "list", "ruleset");

    /// <summary>Named counters on the lan port's ingress: what arrives from dom0.</summary>
    private static void WatchLan(Netns lan, params (string Name, string Match)[] counters)
    {
        var text = "table netdev watch {\n" + string.Concat(counters.Select(c => $"  counter {c.Name} {{ }}\n")) +
                   "  chain in {\n    type filter hook ingress device lan0 priority 0; policy accept;\n" +
                   string.Concat(counters.Select(c => $"    {c.Match} counter name {c.Name}\n")) + "  }\n}\n";
        Nft(lan, text, "-f", "-");
    }

    private static long LanCount(Netns lan, string name) =>
        long.Parse(PacketsRegex().Match(Nft(lan, null, "list", "counter", "netdev", "watch", name)).Groups[1].Value, CultureInfo.InvariantCulture);

    /// <summary>The packets counted by the guard's rule with this comment, in dom0.</summary>
    private static long GuardCount(Netns dom0, string chain, string comment)
    {
        var listing = Nft(dom0, null, "list", "chain", "bridge", "xen_multibridge", chain);
        var line = listing.Split('\n').Single(l => l.Contains($"comment \"{comment}\"", StringComparison.Ordinal));
        return long.Parse(PacketsRegex().Match(line).Groups[1].Value, CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Waits (up to 30 s) until the guard's rule has counted <paramref name="atLeast"/> packets: veth hands frames to its
    /// peer through the backlog, which a loaded machine may process after the sender has already exited.
    /// </summary>
    private static bool GuardCountReaches(Netns dom0, string chain, string comment, long atLeast)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (GuardCount(dom0, chain, comment) < atLeast)
        {
            if (DateTime.UtcNow > deadline) return false;
            Thread.Sleep(100);
        }
        return true;
    }

    [GeneratedRegex(@"packets (\d+)")]
    private static partial Regex PacketsRegex();

    private static Dictionary<string, string> Backend(params (string Key, string Value)[] pairs) => pairs.ToDictionary(p => p.Key, p => p.Value);

    [Fact]
    public void Guest_reaches_the_lan_from_its_address_and_forged_ip_mac_and_arp_are_dropped()
    {
        var host = Host("[policy]\nantispoof = ip\n");
        var lan = Lan(host);
        WatchLan(lan,
            ("legit_ip", "ip saddr 192.0.2.50"), ("forged_ip", "ip saddr 192.0.2.51"),
            ("legit_arp", "arp saddr ip 192.0.2.50"), ("forged_arp", "arp saddr ip 192.0.2.99"),
            ("forged_mac", "ether saddr 00:16:3e:99:99:99"));
        var guest = host.AddGuest(1, 0, "xenbr0", "192.0.2.50/24", backend: Backend(("ip", "192.0.2.50")));
        guest.Ip("link", "set", "eth0", "address", "00:16:3e:00:01:00"); // netfront uses the backend's mac=

        var explain = host.Dom0.Exec(Binaries.Vif, ["explain", "1", "0"], host.LibxlEnvironment(1, 0));
        Assert.True(explain.Ok, explain.ToString());
        Assert.Contains("antispoof: ip", explain.StdOut, StringComparison.Ordinal);
        Assert.Contains("ip saddr != @vif_vif1_2e0_v4 counter drop", explain.StdOut, StringComparison.Ordinal);
        Assert.Contains("set vif_vif1_2e0_v4: 192.0.2.50\n", explain.StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain("vif1.0", Ruleset(host.Dom0), StringComparison.Ordinal); // explain changes nothing

        var online = host.Hotplug("online", 1, 0);
        Assert.True(online.Ok, online.ToString());
        Assert.Equal("connected", host.Backend(1, 0, "hotplug-status"));
        Assert.True(guest.Ping("192.0.2.1"));
        Assert.True(lan.Ping("192.0.2.50"));
        Assert.True(LanCount(lan, "legit_ip") > 0);
        Assert.True(LanCount(lan, "legit_arp") > 0);

        // Forged IPv4 source: a static neighbour entry, so the guest really sends the packets (no ARP needed first).
        var lanMac = lan.ReadSys("lan0", "address");
        guest.Ip("address", "add", "192.0.2.51/32", "dev", "eth0");
        guest.Ip("neigh", "replace", "192.0.2.1", "lladdr", lanMac, "dev", "eth0", "nud", "permanent");
        Assert.False(guest.Exec("ping", ["-c", "3", "-i", "0.2", "-W", "1", "-I", "192.0.2.51", "192.0.2.1"]).Ok);
        Assert.True(GuardCountReaches(host.Dom0, "vif_vif1_2e0", "IPv4 source", 1));
        Assert.Equal(0, LanCount(lan, "forged_ip"));

        // ARP replies for an address that is not the guest's: the lan asks, the guest answers, the answer is dropped.
        guest.Ip("address", "add", "192.0.2.99/32", "dev", "eth0");
        Assert.False(lan.Ping("192.0.2.99"));
        Assert.True(GuardCountReaches(host.Dom0, "vif_vif1_2e0", "ARP sender address", 1));
        Assert.Equal(0, LanCount(lan, "forged_arp"));

        // Another MAC.
        guest.Ip("link", "set", "eth0", "address", "00:16:3e:99:99:99");
        Assert.False(guest.Exec("ping", ["-c", "3", "-i", "0.2", "-W", "1", "-I", "192.0.2.50", "192.0.2.1"]).Ok);
        Assert.True(GuardCountReaches(host.Dom0, "vif_vif1_2e0", "source MAC", 1));
        Assert.Equal(0, LanCount(lan, "forged_mac"));

        // Its own MAC again: the guest is reachable again, only the forgeries were dropped.
        guest.Ip("link", "set", "eth0", "address", "00:16:3e:00:01:00");
        Assert.True(guest.Ping("192.0.2.1"));

        var status = host.Dom0.Exec(Binaries.Network, ["status", "--firewall"], host.LibxlEnvironment(1, 0));
        Assert.True(status.Ok, status.ToString());
        var row = status.StdOut.Split('\n').Single(l => l.StartsWith("vif1.0 ", StringComparison.Ordinal));
        Assert.Matches(@"^vif1\.0\s+xenbr0\s+ip\s+\d+\s+[1-9]\d*$", row);

        var offline = host.Hotplug("offline", 1, 0);
        Assert.True(offline.Ok, offline.ToString());
        var after = Ruleset(host.Dom0);
        Assert.DoesNotContain("vif1.0", after, StringComparison.Ordinal);
        Assert.DoesNotContain("vif_vif1_2e0", after, StringComparison.Ordinal);
        Assert.Contains("no vif is guarded", host.Dom0.Exec(Binaries.Network, ["status", "--firewall"], host.LibxlEnvironment(1, 0)).StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public void Dhcp_client_gets_its_lease_through_the_guard()
    {
        var host = Host("[policy]\nantispoof = ip\n");
        var lan = Lan(host);
        var conf = Path.Combine(host.WorkDir, "udhcpd.conf");
        File.WriteAllText(conf, $"start 192.0.2.60\nend 192.0.2.60\ninterface lan0\nlease_file {host.WorkDir}/udhcpd.leases\npidfile {host.WorkDir}/udhcpd.pid\noption subnet 255.255.255.0\n");
        var guest = host.AddGuest(2, 0, "xenbr0", address: null, backend: Backend(("ip", "192.0.2.60")));
        guest.Ip("link", "set", "eth0", "address", "00:16:3e:00:02:00");
        var online = host.Hotplug("online", 2, 0);
        Assert.True(online.Ok, online.ToString());

        using var server = lan.Start("busybox", ["udhcpd", "-f", conf]);
        try
        {
            var client = guest.Exec("busybox", ["udhcpc", "-i", "eth0", "-n", "-q", "-f", "-t", "10", "-T", "1", "-s", "/bin/true"], timeout: TimeSpan.FromSeconds(60));
            Assert.True(client.Ok, client.ToString());
            Assert.Contains("lease of 192.0.2.60 obtained", client.StdOut + client.StdErr, StringComparison.Ordinal);
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            server.WaitForExit(5000);
        }
    }

    [Fact]
    public void Renamed_vif_is_guarded_under_its_name_by_the_nics_chain_and_offline_removes_the_rules_when_the_device_is_gone()
    {
        var host = Host("[domain:web-*]\nantispoof = mac\n");
        host.AddBridge("xenbr0");
        host.AddGuest(3, 0, "xenbr0", name: "web-1", backend: Backend(("vifname", "web0")));
        var online = host.Hotplug("online", 3, 0);
        Assert.True(online.Ok, online.ToString());
        var rules = Ruleset(host.Dom0);
        Assert.Contains("\"web0\" : jump vif_vif3_2e0", rules, StringComparison.Ordinal); // the chain is the NIC's, the element its interface's
        Assert.Contains("ether saddr != 00:16:3e:00:03:00", rules, StringComparison.Ordinal);

        host.Dom0.Ip("link", "delete", "web0"); // the domain died: netback removed the device before the offline
        host.Xenstore.Write("/local/domain/0/backend/vif/3/0/vifname", ""); // and the backend does not say any more
        var offline = host.Hotplug("offline", 3, 0);
        Assert.True(offline.Ok, offline.ToString());
        var after = Ruleset(host.Dom0);
        Assert.DoesNotContain("web0", after, StringComparison.Ordinal);
        Assert.DoesNotContain("vif_vif3_2e0", after, StringComparison.Ordinal);
    }

    [Fact]
    public void Tap_of_an_hvm_guest_is_guarded_and_released()
    {
        var host = Host("[policy]\nantispoof = mac\n");
        host.AddBridge("xenbr0");
        host.AddGuest(9, 0, "xenbr0", createDevice: false);
        host.Dom0.Ip("tuntap", "add", "dev", "vif9.0-emu", "mode", "tap");
        var add = host.Hotplug("add", 9, 0, type: "tap");
        Assert.True(add.Ok, add.ToString());
        Assert.Contains("\"vif9.0-emu\" : jump vif_vif9_2e0_2demu", Ruleset(host.Dom0), StringComparison.Ordinal);
        var again = host.Hotplug("add", 9, 0, type: "tap"); // a repeated add replaces the guard, never doubles it
        Assert.True(again.Ok, again.ToString());
        var rules = Ruleset(host.Dom0);
        Assert.Single(Regex.Matches(rules, "jump vif_vif9_2e0_2demu"));
        Assert.Equal(14, RulesIn(rules, "vif_vif9_2e0_2demu"));
        var remove = host.Hotplug("remove", 9, 0, type: "tap");
        Assert.True(remove.Ok, remove.ToString());
        Assert.DoesNotContain("vif9.0-emu", Ruleset(host.Dom0), StringComparison.Ordinal);
    }

    [Fact]
    public void Guard_follows_the_vif_when_it_moves_to_another_bridge()
    {
        var host = Host("[policy]\nantispoof = mac\n");
        host.AddBridge("xenbr0");
        host.AddBridge("xenbr1");
        var guest = host.AddGuest(10, 0, "xenbr0", "198.51.100.10/24"); // eth0 keeps a random MAC: every frame is forged
        var online = host.Hotplug("online", 10, 0);
        Assert.True(online.Ok, online.ToString());

        host.Dom0.Ip("link", "set", "vif10.0", "master", "xenbr1"); // what a balancer's move does
        guest.Ip("neigh", "replace", "198.51.100.1", "lladdr", "02:00:00:00:00:01", "dev", "eth0", "nud", "permanent");
        Assert.False(guest.Exec("ping", ["-c", "3", "-i", "0.2", "-W", "1", "198.51.100.1"]).Ok);
        Assert.True(GuardCountReaches(host.Dom0, "vif_vif10_2e0", "source MAC", 1));
        var status = host.Dom0.Exec(Binaries.Network, ["status", "--firewall", "--json"], host.LibxlEnvironment(10, 0));
        Assert.Contains("\"bridge\": \"xenbr1\"", status.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public void Kernel_refusing_the_batch_rolls_the_online_back_and_changes_nothing()
    {
        var host = Host("[policy]\nantispoof = mac\n");
        host.AddBridge("xenbr0");
        host.AddGuest(4, 0, "xenbr0");
        var macBefore = host.Dom0.ReadSys("vif4.0", "address");
        // Someone else's chain of the same name on another hook: the kernel refuses the batch's `add chain ... prerouting`.
        Nft(host.Dom0, "table bridge xen_multibridge {\n  chain prerouting {\n    type filter hook input priority 0; policy accept;\n  }\n}\n", "-f", "-");
        var before = Ruleset(host.Dom0);

        var online = host.Hotplug("online", 4, 0);
        Assert.False(online.Ok);
        Assert.Equal("error", host.Backend(4, 0, "hotplug-status"));
        var error = host.Backend(4, 0, "hotplug-error");
        Assert.Contains("antispoof: cannot install the rules for vif4.0: add chain bridge xen_multibridge prerouting", error, StringComparison.Ordinal);
        Assert.Matches(@"\(errno \d+\)", error);
        Assert.Null(host.Dom0.MasterOf("vif4.0"));
        Assert.Equal(macBefore, host.Dom0.ReadSys("vif4.0", "address"));
        Assert.False(File.Exists(Path.Combine(host.RunDir, "antispoof", "vif4.0")));
        Assert.Equal(before, Ruleset(host.Dom0)); // the batch is atomic: not even the table's map was added
    }

    [Fact]
    public void Without_the_nft_tool_guards_still_work_status_says_what_is_missing_and_off_works_as_before()
    {
        // The guard is written over netlink: no nft process. Only `status --firewall` lists with nft, and says so.
        // (A kernel without nf_tables answers the socket or the batch with EPROTONOSUPPORT/EOPNOTSUPP, which the online
        // reports as "this kernel has no nf_tables (antispoof needs nftables: ...)".)
        var host = Host("[policy]\nantispoof = ip\n[domain:plain]\nantispoof = off\n");
        host.AddBridge("xenbr0");
        host.AddGuest(5, 0, "xenbr0", backend: Backend(("ip", "192.0.2.55")));
        host.AddGuest(6, 0, "xenbr0", name: "plain");
        var empty = Path.Combine(host.WorkDir, "empty-path");
        Directory.CreateDirectory(empty);
        var noNft = new Dictionary<string, string> { ["PATH"] = empty };

        var guarded = host.Hotplug("online", 5, 0, extraEnv: noNft);
        Assert.True(guarded.Ok, guarded.ToString());
        Assert.Equal("xenbr0", host.Dom0.MasterOf("vif5.0"));
        Assert.Contains("\"vif5.0\" : jump vif_vif5_2e0", Ruleset(host.Dom0), StringComparison.Ordinal);

        var env = new Dictionary<string, string>(host.LibxlEnvironment(5, 0)) { ["PATH"] = empty };
        var status = host.Dom0.Exec(Binaries.Network, ["status", "--firewall"], env);
        Assert.False(status.Ok);
        Assert.Contains("install the nftables package", status.StdErr, StringComparison.Ordinal);

        var plain = host.Hotplug("online", 6, 0, extraEnv: noNft);
        Assert.True(plain.Ok, plain.ToString());
        Assert.Equal("xenbr0", host.Dom0.MasterOf("vif6.0"));
        Assert.DoesNotContain("vif6.0", Ruleset(host.Dom0), StringComparison.Ordinal);
    }

    [Fact]
    public void Ip_mode_without_ip_refuses_the_online()
    {
        var host = Host("[policy]\nantispoof = ip\n");
        host.AddBridge("xenbr0");
        host.AddGuest(7, 0, "xenbr0");
        var online = host.Hotplug("online", 7, 0);
        Assert.False(online.Ok);
        Assert.Contains("ip is empty", host.Backend(7, 0, "hotplug-error"), StringComparison.Ordinal);
        Assert.Null(host.Dom0.MasterOf("vif7.0"));
    }

    [Fact]
    public void Sixty_four_simultaneous_onlines_each_end_with_exactly_one_guard()
    {
        var host = Host("[policy]\nantispoof = ip\n");
        host.AddBridge("xenbr0");
        for (var d = 1; d <= 64; d++)
        {
            host.AddLightGuest(d, 0, "xenbr0");
            host.Xenstore.Write($"/local/domain/0/backend/vif/{d}/0/ip", $"192.0.2.{d}");
        }
        var processes = Enumerable.Range(1, 64)
            .Select(d => host.Dom0.Start(Binaries.Vif, ["online", "type_if=vif"], host.LibxlEnvironment(d, 0))).ToList();
        var results = processes.Select(p => Proc.Wait(p, TimeSpan.FromSeconds(120))).ToList();
        foreach (var p in processes) p.Dispose();
        Assert.All(results, r => Assert.True(r.Ok, r.ToString()));
        Assert.All(Enumerable.Range(1, 64), d => Assert.Equal("connected", host.Backend(d, 0, "hotplug-status")));

        var table = Nft(host.Dom0, null, "list", "table", "bridge", "xen_multibridge");
        Assert.Single(Regex.Matches(table, @"iifname vmap @guarded"));
        Assert.Equal(64, Regex.Count(table, "chain vif_"));
        var expected = RulesIn(table, "vif_vif1_2e0");
        Assert.True(expected > 5);
        foreach (var d in Enumerable.Range(1, 64))
        {
            Assert.Single(Regex.Matches(table, $"\"vif{d}\\.0\" : jump vif_vif{d}_2e0\\b"));
            Assert.Equal(expected, RulesIn(table, $"vif_vif{d}_2e0"));
            Assert.Contains($"ip saddr != @vif_vif{d}_2e0_v4 counter", table, StringComparison.Ordinal);
            Assert.Matches($@"set vif_vif{d}_2e0_v4 {{[^}}]*elements = {{ 192\.0\.2\.{d} }}", table);
        }
    }

    [Fact]
    public void Netlink_batch_reads_in_nft_list_as_the_rules_explain_prints()
    {
        // Written over netlink, read back by nft: the chain holds exactly the rules explain prints, in order, with
        // their comments (the userdata TLV), and the map and the base chain read as nft's own syntax.
        var host = Host("[policy]\nantispoof = ip\n");
        host.AddBridge("xenbr0");
        host.AddLightGuest(11, 0, "xenbr0");
        // The table as the earlier `nft -f` version left it (an upgrade under running guests): the batch reuses it.
        Nft(host.Dom0, "add table bridge xen_multibridge\nadd chain bridge xen_multibridge prerouting { type filter hook prerouting priority filter; policy accept; }\n" +
                       "add map bridge xen_multibridge guarded { type ifname : verdict; }\nadd rule bridge xen_multibridge prerouting iifname vmap @guarded\n", "-f", "-");
        host.Xenstore.Write("/local/domain/0/backend/vif/11/0/ip", "192.0.2.11 10.1.0.0/24 172.16.0.0/12 2001:db8::/64 2001:db8:1::11");
        var online = host.Hotplug("online", 11, 0);
        Assert.True(online.Ok, online.ToString());

        var explain = host.Dom0.Exec(Binaries.Vif, ["explain", "11", "0"], host.LibxlEnvironment(11, 0));
        Assert.True(explain.Ok, explain.ToString());
        var expected = explain.StdOut.Split('\n').SkipWhile(l => !l.StartsWith("  rules (", StringComparison.Ordinal)).Skip(1)
            .TakeWhile(l => l.StartsWith("    ", StringComparison.Ordinal)).Select(l => l.Trim()).ToList();
        Assert.True(expected.Count > 15, explain.StdOut);

        var table = Nft(host.Dom0, null, "list", "table", "bridge", "xen_multibridge");
        Assert.True(table.Contains("type ifname : verdict", StringComparison.Ordinal), table);
        Assert.True(table.Contains("\"vif11.0\" : jump vif_vif11_2e0", StringComparison.Ordinal), table);
        Assert.True(table.Contains("type filter hook prerouting priority filter; policy accept;", StringComparison.Ordinal), table);
        Assert.Single(Regex.Matches(table, @"\n\t\tiifname vmap @guarded\n"));
        var chain = Nft(host.Dom0, null, "list", "chain", "bridge", "xen_multibridge", "vif_vif11_2e0");
        var listed = chain.Split('\n').Select(l => l.Trim()).SkipWhile(l => !l.StartsWith("chain vif_vif11_2e0", StringComparison.Ordinal)).Skip(1)
            .TakeWhile(l => l != "}").Select(l => CounterValuesRegex().Replace(l, "counter")).ToList();
        Assert.True(expected.SequenceEqual(listed), $"explain:\n{string.Join('\n', expected)}\nnft list:\n{string.Join('\n', listed)}");

        var offline = host.Hotplug("offline", 11, 0);
        Assert.True(offline.Ok, offline.ToString());
        var after = Nft(host.Dom0, null, "list", "table", "bridge", "xen_multibridge");
        Assert.DoesNotContain("vif11.0", after, StringComparison.Ordinal);
        Assert.DoesNotContain("chain vif_", after, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"counter packets \d+ bytes \d+")]
    private static partial Regex CounterValuesRegex();

    private static int RulesIn(string table, string chain)
    {
        var start = table.IndexOf($"chain {chain} {{", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no chain {chain}");
        var end = table.IndexOf("\n\t}", start, StringComparison.Ordinal);
        return table[start..end].Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Length - 1;
    }
}
