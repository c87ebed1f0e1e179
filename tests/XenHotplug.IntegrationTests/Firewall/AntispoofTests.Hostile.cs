using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using XenHotplug.TestSupport;

namespace XenHotplug.IntegrationTests.Firewall;

/// <summary>
/// antispoof tried as an attacker, a careless administrator and a crash would try it: hand-made frames from the
/// guest (tags, forged ND options), two guests with one vifname, run-directory state that is not what it should be,
/// SIGKILL between any two netlink messages, long ip= lists, a dormant table.
/// </summary>
public sealed partial class AntispoofTests
{
    private const string Forged = "00:16:3e:99:99:99";

    private static void WaitUntil(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for " + what);
            Thread.Sleep(50);
        }
    }

    private static string Dst(int n) => string.Create(CultureInfo.InvariantCulture, $"02:00:00:00:00:{n:x2}");

    [Theory]
    [InlineData("mac")]
    [InlineData("ip")]
    public void Tagged_frames_and_forged_nd_link_layer_options_never_reach_the_lan(string mode)
    {
        var host = Host($"[policy]\nantispoof = {mode}\n");
        var lan = Lan(host);
        var names = new[] { "control", "vid0", "vid5", "qinq", "q9100", "vid0_own", "na_forged", "na_ok", "ns_forged", "na_tagged" };
        WatchLan(lan, names.Select((n, i) => (n, $"ether daddr {Dst(i + 1)}")).ToArray());
        var guest = host.AddGuest(12, 0, "xenbr0", "192.0.2.12/24", backend: Backend(("ip", "192.0.2.12")));
        const string mac = "00:16:3e:00:0c:00";
        guest.Ip("link", "set", "eth0", "address", mac);
        var online = host.Hotplug("online", 12, 0);
        Assert.True(online.Ok, online.ToString());
        const string ll = "fe80::216:3eff:fe00:c00";

        byte[] Arp(string sender, string ip) => RawFrames.ArpReply(sender, ip, "02:00:00:00:00:99", "192.0.2.1");
        RawFrames.Send(guest, "eth0",
        [
            RawFrames.Frame(Dst(1), mac, 0x0806, Arp(mac, "192.0.2.12")), // the control: the guest's own ARP, untagged
            RawFrames.Frame(Dst(2), mac, 0x0806, Arp(Forged, "192.0.2.99"), (0x8100, 0)), // priority-tagged, VID 0
            RawFrames.Frame(Dst(3), mac, 0x0806, Arp(Forged, "192.0.2.99"), (0x8100, 5)),
            RawFrames.Frame(Dst(4), mac, 0x0806, Arp(Forged, "192.0.2.99"), (0x88a8, 10), (0x8100, 5)), // QinQ
            RawFrames.Frame(Dst(5), mac, 0x0806, Arp(Forged, "192.0.2.99"), (0x9100, 7)),
            RawFrames.Frame(Dst(6), mac, 0x0806, Arp(mac, "192.0.2.12"), (0x8100, 0)), // even its own ARP: no VLANs here
            RawFrames.Frame(Dst(7), mac, 0x86dd, RawFrames.Neighbour(136, ll, "ff02::1", ll, Forged)),
            RawFrames.Frame(Dst(8), mac, 0x86dd, RawFrames.Neighbour(136, ll, "ff02::1", ll, mac)),
            RawFrames.Frame(Dst(9), mac, 0x86dd, RawFrames.Neighbour(135, ll, "ff02::1:ff00:1", "fe80::1", Forged)),
            RawFrames.Frame(Dst(10), mac, 0x86dd, RawFrames.Neighbour(136, ll, "ff02::1", ll, Forged), (0x8100, 0)),
        ]);

        // What was sent is seen: the controls arrive, and the guard counted every frame it dropped.
        WaitUntil(() => LanCount(lan, "control") >= 1 && LanCount(lan, "na_ok") >= 1, "the control frames on the lan");
        Assert.True(GuardCountReaches(host.Dom0, "vif_vif12_2e0", "VLAN tag 8021q: no VLANs on this vif", 4));
        Assert.True(GuardCountReaches(host.Dom0, "vif_vif12_2e0", "VLAN tag 8021ad: no VLANs on this vif", 1));
        Assert.True(GuardCountReaches(host.Dom0, "vif_vif12_2e0", "VLAN tag 0x9100: no VLANs on this vif", 1));
        Assert.True(GuardCountReaches(host.Dom0, "vif_vif12_2e0", "NA target link-layer address", 1));
        Assert.True(GuardCountReaches(host.Dom0, "vif_vif12_2e0", "NS source link-layer address", 1));
        foreach (var name in names.Where(n => n is not ("control" or "na_ok")))
            Assert.True(LanCount(lan, name) == 0, $"{name} reached the lan");
    }

    [Fact]
    public void Two_guests_racing_for_one_vifname_leave_the_winner_guarded_every_time()
    {
        var host = Host("[policy]\nantispoof = mac\n");
        host.AddBridge("xenbr0");
        for (var round = 0; round < 6; round++)
        {
            int a = 30 + (2 * round), b = a + 1;
            host.AddGuest(a, 0, "xenbr0", backend: Backend(("vifname", "web0")));
            host.AddGuest(b, 0, "xenbr0", backend: Backend(("vifname", "web0")));
            var pa = host.Dom0.Start(Binaries.Vif, ["online", "type_if=vif"], host.LibxlEnvironment(a, 0));
            var pb = host.Dom0.Start(Binaries.Vif, ["online", "type_if=vif"], host.LibxlEnvironment(b, 0));
            var ra = Proc.Wait(pa, TimeSpan.FromSeconds(60));
            var rb = Proc.Wait(pb, TimeSpan.FromSeconds(60));
            pa.Dispose();
            pb.Dispose();
            Assert.True(ra.Ok != rb.Ok, $"round {round}: exactly one wins\n{ra}\n{rb}");
            var (winner, loser) = ra.Ok ? (a, b) : (b, a);
            Assert.Equal("connected", host.Backend(winner, 0, "hotplug-status"));
            Assert.Equal("error", host.Backend(loser, 0, "hotplug-status"));
            // The kernel holds the winner's guard on web0, whatever the loser's rollback did.
            var table = Ruleset(host.Dom0);
            Assert.Contains($"\"web0\" : jump vif_vif{winner}_2e0", table, StringComparison.Ordinal);
            Assert.Equal(14, RulesIn(table, $"vif_vif{winner}_2e0"));
            Assert.DoesNotContain($"vif_vif{loser}_2e0", table, StringComparison.Ordinal);
            Assert.Equal("xenbr0", host.Dom0.MasterOf("web0"));
            Assert.True(host.Dom0.Has($"vif{loser}.0"), "the loser's device keeps libxl's name");

            Assert.True(host.Hotplug("offline", loser, 0).Ok);
            Assert.Contains($"\"web0\" : jump vif_vif{winner}_2e0", Ruleset(host.Dom0), StringComparison.Ordinal);
            Assert.True(host.Hotplug("offline", winner, 0).Ok);
            Assert.DoesNotContain("web0", Ruleset(host.Dom0), StringComparison.Ordinal);
            host.Dom0.Ip("link", "delete", "web0");
            host.Dom0.Ip("link", "delete", $"vif{loser}.0");
        }
    }

    [Fact]
    public void An_offline_removes_only_its_own_nics_guard_whatever_the_run_directory_or_the_backend_says()
    {
        var host = Host("[policy]\nantispoof = mac\n");
        host.AddBridge("xenbr0");
        host.AddGuest(40, 0, "xenbr0", backend: Backend(("vifname", "web0")));
        host.AddGuest(41, 0, "xenbr0");
        Assert.True(host.Hotplug("online", 40, 0).Ok);
        Assert.True(host.Hotplug("online", 41, 0).Ok);
        // A record in the run directory naming the other guest's interface (as the earlier version kept them).
        Directory.CreateDirectory(Path.Combine(host.RunDir, "antispoof"));
        File.WriteAllText(Path.Combine(host.RunDir, "antispoof", "vif41.0"), "web0\n");
        var offline = host.Hotplug("offline", 41, 0);
        Assert.True(offline.Ok, offline.ToString());
        var table = Ruleset(host.Dom0);
        Assert.Contains("\"web0\" : jump vif_vif40_2e0", table, StringComparison.Ordinal);
        Assert.DoesNotContain("vif_vif41_2e0", table, StringComparison.Ordinal);

        // The backend of a gone NIC naming the other guest's device: the offline refuses the device, removes its own
        // guard (none left here), and leaves the other's.
        host.Dom0.Ip("link", "delete", "vif41.0");
        host.Xenstore.Write("/local/domain/0/backend/vif/41/0/vifname", "web0");
        var refused = host.Hotplug("offline", 41, 0);
        Assert.False(refused.Ok);
        Assert.Contains("refusing to detach web0", refused.StdErr, StringComparison.Ordinal);
        Assert.Contains("\"web0\" : jump vif_vif40_2e0", Ruleset(host.Dom0), StringComparison.Ordinal);
        Assert.Equal("xenbr0", host.Dom0.MasterOf("web0"));
    }

    [Theory]
    [InlineData("fifo")]
    [InlineData("directory")]
    [InlineData("garbage")]
    [InlineData("antispoof-is-a-file")]
    public void Run_directory_state_in_the_way_neither_hangs_nor_keeps_the_guard(string what)
    {
        var host = Host("[policy]\nantispoof = mac\n");
        host.AddBridge("xenbr0");
        host.AddGuest(42, 0, "xenbr0", backend: Backend(("vifname", "web2")));
        Directory.CreateDirectory(host.RunDir);
        var dir = Path.Combine(host.RunDir, "antispoof");
        var record = Path.Combine(dir, "vif42.0");
        if (what == "antispoof-is-a-file") File.WriteAllText(dir, "x");
        else Directory.CreateDirectory(dir);
        if (what == "fifo") Assert.Equal(0, Proc.Run("mkfifo", [record]).ExitCode);
        if (what == "directory") Directory.CreateDirectory(record);
        if (what == "garbage") File.WriteAllBytes(record, [0xff, 0, (byte)'\n', .. "vif_x\"; flush ruleset"u8.ToArray()]);

        var watch = Stopwatch.StartNew();
        var online = host.Hotplug("online", 42, 0);
        Assert.True(online.Ok, online.ToString());
        Assert.Contains("\"web2\" : jump vif_vif42_2e0", Ruleset(host.Dom0), StringComparison.Ordinal);
        var offline = host.Hotplug("offline", 42, 0);
        Assert.True(offline.Ok, offline.ToString());
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"took {watch.Elapsed}");
        var after = Ruleset(host.Dom0);
        Assert.DoesNotContain("web2", after, StringComparison.Ordinal);
        Assert.DoesNotContain("vif_vif42_2e0", after, StringComparison.Ordinal);
        Assert.Equal("", offline.StdErr.Trim());
    }

    /// <summary>Whether the process is stopped (state T in /proc/PID/stat) or gone.</summary>
    private static bool StoppedOrGone(Process p)
    {
        if (p.HasExited) return true;
        try
        {
            var stat = File.ReadAllText($"/proc/{p.Id}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].StartsWith('T');
        }
        catch (IOException)
        {
            return true;
        }
    }

    /// <summary>Starts the hotplug with the step hook, waits until it stopped itself before step <paramref name="step"/> (or ended), SIGKILLs it; true when it had stopped.</summary>
    private static bool KillBeforeStep(SimulatedDom0 host, string command, int domid, int step)
    {
        var env = new Dictionary<string, string>(host.LibxlEnvironment(domid, 0)) { ["XENHOTPLUG_TEST_STOP_AT"] = step.ToString(CultureInfo.InvariantCulture) };
        using var p = host.Dom0.Start(Binaries.Vif, [command, "type_if=vif"], env);
        WaitUntil(() => StoppedOrGone(p), $"step {step} of {command}");
        if (p.HasExited) return false;
        p.Kill(); // SIGKILL, as libxl's timeout does
        p.WaitForExit();
        return true;
    }

    [Theory]
    [InlineData("offline")]
    [InlineData("online")]
    public void Killed_between_any_two_netlink_messages_the_next_run_cleans_up(string next)
    {
        var host = Host("[policy]\nantispoof = ip\n");
        host.AddBridge("xenbr0");
        host.AddGuest(43, 0, "xenbr0", backend: Backend(("vifname", "web3"), ("ip", "192.0.2.43")));
        var steps = 0;
        for (var k = 1; k < 30; k++)
        {
            foreach (var dev in new[] { "web3", "vif43.0" }.Where(host.Dom0.Has)) host.Dom0.Ip("link", "delete", dev);
            host.CreateGuestDevice(43, 0, null);
            if (!KillBeforeStep(host, "online", 43, k)) break; // the online ran to its end: every step was tried
            steps = k;
            var run = host.Hotplug(next, 43, 0);
            Assert.True(run.Ok, $"{next} after a kill before step {k}: {run}");
            var table = Ruleset(host.Dom0);
            var device = host.Dom0.Has("web3") ? "web3" : "vif43.0";
            if (next == "offline")
            {
                Assert.False(table.Contains("vif_vif43_2e0", StringComparison.Ordinal), $"k={k}: guard left\n{table}");
                Assert.DoesNotContain("web3", table, StringComparison.Ordinal);
                Assert.Null(host.Dom0.MasterOf(device));
            }
            else
            {
                Assert.Equal("web3", device);
                Assert.Equal("xenbr0", host.Dom0.MasterOf("web3"));
                Assert.Single(Regex.Matches(table, "\"web3\" : jump vif_vif43_2e0"));
                Assert.True(host.Hotplug("offline", 43, 0).Ok);
                Assert.DoesNotContain("vif_vif43_2e0", Ruleset(host.Dom0), StringComparison.Ordinal);
            }
        }
        Assert.True(steps >= 8, $"only {steps} steps were reached");
    }

    [Fact]
    public void Killed_between_the_steps_of_an_offline_the_next_offline_cleans_up()
    {
        var host = Host("[policy]\nantispoof = mac\n");
        host.AddBridge("xenbr0");
        host.AddGuest(47, 0, "xenbr0", backend: Backend(("vifname", "web7")));
        var steps = 0;
        for (var k = 1; k < 10; k++)
        {
            Assert.True(host.Hotplug("online", 47, 0).Ok);
            Assert.Contains("\"web7\" : jump vif_vif47_2e0", Ruleset(host.Dom0), StringComparison.Ordinal);
            if (!KillBeforeStep(host, "offline", 47, k)) break;
            steps = k;
            var again = host.Hotplug("offline", 47, 0);
            Assert.True(again.Ok, $"k={k}: {again}");
            Assert.DoesNotContain("vif_vif47_2e0", Ruleset(host.Dom0), StringComparison.Ordinal);
            Assert.Null(host.Dom0.MasterOf("web7"));
        }
        Assert.True(steps >= 3, $"only {steps} steps were reached"); // down, nomaster, the guard's batch
    }

    [Fact]
    public void A_guard_of_the_earlier_version_keyed_by_the_interface_is_taken_over_and_removed()
    {
        // An upgrade under a running guest: its guard was keyed by the interface's name (chain vif_web8).
        var host = Host("[policy]\nantispoof = mac\n");
        host.AddBridge("xenbr0");
        host.AddGuest(48, 0, "xenbr0", backend: Backend(("vifname", "web8")));
        Assert.True(host.Hotplug("online", 48, 0).Ok);
        Assert.True(host.Hotplug("offline", 48, 0).Ok);
        Nft(host.Dom0, "add chain bridge xen_multibridge vif_web8\nadd rule bridge xen_multibridge vif_web8 ether saddr != 00:16:3e:00:30:00 counter drop\n" +
                       "add element bridge xen_multibridge guarded { \"web8\" : jump vif_web8 }\n", "-f", "-");
        var online = host.Hotplug("online", 48, 0);
        Assert.True(online.Ok, online.ToString());
        var table = Ruleset(host.Dom0);
        Assert.Contains("\"web8\" : jump vif_vif48_2e0", table, StringComparison.Ordinal);
        Assert.DoesNotContain("chain vif_web8", table, StringComparison.Ordinal);

        // And an offline of the earlier version's guard (no new-style guard at all) removes it too.
        Assert.True(host.Hotplug("offline", 48, 0).Ok);
        Nft(host.Dom0, "add chain bridge xen_multibridge vif_web8\nadd element bridge xen_multibridge guarded { \"web8\" : jump vif_web8 }\n", "-f", "-");
        Assert.True(host.Hotplug("offline", 48, 0).Ok);
        Assert.DoesNotContain("web8", Ruleset(host.Dom0), StringComparison.Ordinal);
    }

    [Fact]
    public void Two_hundred_addresses_are_guarded_by_one_lookup_and_forged_ones_still_dropped()
    {
        var addresses = Enumerable.Range(0, 200).Select(i => $"10.{20 + (i / 200)}.{i % 200}.{(i * 7 % 250) + 1}").ToList();
        addresses[150] = "192.0.2.70";
        var ip = string.Join(' ', addresses) + " 2001:db8:70::/64 2001:db8:71::7";
        Assert.InRange(ip.Length, 2000, 4095);
        var host = Host("[policy]\nantispoof = ip\n");
        var lan = Lan(host);
        WatchLan(lan, ("legit_ip", "ip saddr 192.0.2.70"), ("forged_ip", "ip saddr 192.0.2.71"));
        var guest = host.AddGuest(44, 0, "xenbr0", "192.0.2.70/24", backend: Backend(("ip", ip)));
        guest.Ip("link", "set", "eth0", "address", "00:16:3e:00:2c:00");
        var online = host.Hotplug("online", 44, 0);
        Assert.True(online.Ok, online.ToString());
        var chain = Nft(host.Dom0, null, "list", "chain", "bridge", "xen_multibridge", "vif_vif44_2e0");
        Assert.Contains("ip saddr != @vif_vif44_2e0_v4 counter", chain, StringComparison.Ordinal);
        var set = Nft(host.Dom0, null, "list", "set", "bridge", "xen_multibridge", "vif_vif44_2e0_v4");
        Assert.Equal(200, Regex.Count(set, @"\b10\.\d+\.\d+\.\d+\b|192\.0\.2\.70"));

        Assert.True(guest.Ping("192.0.2.1"));
        var lanMac = lan.ReadSys("lan0", "address");
        guest.Ip("address", "add", "192.0.2.71/32", "dev", "eth0");
        guest.Ip("neigh", "replace", "192.0.2.1", "lladdr", lanMac, "dev", "eth0", "nud", "permanent");
        Assert.False(guest.Exec("ping", ["-c", "3", "-i", "0.2", "-W", "1", "-I", "192.0.2.71", "192.0.2.1"]).Ok);
        Assert.True(GuardCountReaches(host.Dom0, "vif_vif44_2e0", "IPv4 source", 1));
        Assert.True(LanCount(lan, "legit_ip") > 0);
        Assert.Equal(0, LanCount(lan, "forged_ip"));

        Assert.True(host.Hotplug("offline", 44, 0).Ok);
        Assert.DoesNotContain("vif_vif44_2e0", Ruleset(host.Dom0), StringComparison.Ordinal);
    }

    [Fact]
    public void An_ip_list_filling_xenstores_value_is_guarded_in_one_batch_of_several_element_messages()
    {
        var entries = new List<string> { "192.0.2.80" };
        for (var i = 1; string.Join(' ', entries).Length + 6 <= 4095; i += 2) entries.Add($"{i:x}::");
        var host = Host("[policy]\nantispoof = ip\n");
        host.AddBridge("xenbr0");
        host.AddLightGuest(49, 0, "xenbr0");
        host.Xenstore.Write("/local/domain/0/backend/vif/49/0/ip", string.Join(' ', entries));
        var online = host.Hotplug("online", 49, 0);
        Assert.True(online.Ok, online.ToString());
        var set = Nft(host.Dom0, null, "list", "set", "bridge", "xen_multibridge", "vif_vif49_2e0_v6");
        Assert.Contains("1::", set, StringComparison.Ordinal);
        Assert.Contains(entries[^1], set, StringComparison.Ordinal);
        Assert.Equal(entries.Count, Regex.Count(set, @"[0-9a-f]+::|fe80::"));
        Assert.True(host.Hotplug("offline", 49, 0).Ok);
        Assert.DoesNotContain("vif_vif49_2e0", Ruleset(host.Dom0), StringComparison.Ordinal);
    }

    [Fact]
    public void A_dormant_table_is_said_by_status_and_woken_by_the_next_online()
    {
        var host = Host("[policy]\nantispoof = mac\n");
        host.AddBridge("xenbr0");
        host.AddGuest(45, 0, "xenbr0");
        host.AddGuest(46, 0, "xenbr0");
        Assert.True(host.Hotplug("online", 45, 0).Ok);
        Nft(host.Dom0, "add table bridge xen_multibridge { flags dormant; }\n", "-f", "-"); // an administrator's command
        var listing = Nft(host.Dom0, null, "list", "table", "bridge", "xen_multibridge");
        Assert.True(listing.Contains("flags dormant", StringComparison.Ordinal), listing);

        var status = host.Dom0.Exec(Binaries.Network, ["status", "--firewall"], host.LibxlEnvironment(45, 0));
        Assert.False(status.Ok, status.ToString());
        Assert.Contains("dormant", status.StdOut + status.StdErr, StringComparison.Ordinal);
        Assert.Contains("NOT enforced", status.StdOut + status.StdErr, StringComparison.Ordinal);

        var online = host.Hotplug("online", 46, 0);
        Assert.True(online.Ok, online.ToString());
        Assert.Contains("was dormant", online.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("dormant", Nft(host.Dom0, null, "list", "table", "bridge", "xen_multibridge"), StringComparison.Ordinal);
        Assert.True(host.Dom0.Exec(Binaries.Network, ["status", "--firewall"], host.LibxlEnvironment(45, 0)).Ok);
    }
}
