using System.Globalization;
using System.Text.RegularExpressions;
using XenHotplug.TestSupport;

namespace XenHotplug.IntegrationTests.Firewall;

/// <summary>
/// antispoof = dhcp with a real DHCP server (busybox udhcpd) on the lan and a real client (busybox udhcpc) in the
/// guest: nothing but DHCP passes before the lease, the kernel learns the acked address, the guest reaches the lan from
/// it, a forged source is dropped before and after, the address stops passing after its timeout and after a release,
/// a repeated online keeps what was learnt, and the offline removes everything.
/// </summary>
public sealed partial class DhcpLearningTests : IDisposable
{
    private const string Mac = "00:16:3e:00:02:00";
    private readonly SimulatedDom0 _host = new("[policy]\nantispoof = dhcp\ndhcp_timeout = 20\n[bridge:xenbr0]\nuplink = eth0\n");
    private readonly List<System.Diagnostics.Process> _servers = [];

    public void Dispose()
    {
        foreach (var p in _servers)
        {
            try
            {
                p.Kill(entireProcessTree: true);
                p.WaitForExit(5000);
            }
            catch (InvalidOperationException)
            {
                // already gone
            }
        }
        _host.Dispose();
    }

    [GeneratedRegex(@"packets (\d+)")]
    private static partial Regex PacketsRegex();

    private string Nft(params string[] args) => _host.Dom0.Exec("nft", args).StdOut;

    /// <summary>Packets counted by the guard's rule with this comment (the IPv4 rule when an ARP rule shares it).</summary>
    private long GuardCount(string comment)
    {
        var lines = Nft("list", "chain", "bridge", "xen_multibridge", "vif_vif2_2e0").Split('\n').Where(l => l.Contains($"comment \"{comment}\"", StringComparison.Ordinal)).ToList();
        var line = lines.Count == 1 ? lines[0] : lines.Single(l => l.Contains("ether type ip ", StringComparison.Ordinal));
        return long.Parse(PacketsRegex().Match(line).Groups[1].Value, CultureInfo.InvariantCulture);
    }

    private string Learnt() => Nft("list", "set", "bridge", "xen_multibridge", "vif_vif2_2e0_dhcp");

    private static bool Until(Func<bool> condition, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) return false;
            Thread.Sleep(200);
        }
        return true;
    }

    [Fact]
    public void The_guest_gets_its_lease_through_the_guard_and_only_the_leased_address_passes_until_it_expires_or_is_released()
    {
        _host.AddBridge("xenbr0");
        var lan = _host.AddUplink("eth0", "xenbr0");
        lan.Ip("address", "add", "192.0.2.1/24", "dev", "lan0");
        var guest = _host.AddGuest(2, 0, "xenbr0");
        guest.Ip("link", "set", "eth0", "address", Mac);
        var conf = Path.Combine(_host.WorkDir, "udhcpd.conf");
        File.WriteAllText(conf, $"start 192.0.2.60\nend 192.0.2.60\ninterface lan0\nlease_file {_host.WorkDir}/udhcpd.leases\npidfile {_host.WorkDir}/udhcpd.pid\noption subnet 255.255.255.0\noption lease 600\n");
        var script = Path.Combine(_host.WorkDir, "udhcpc.sh");
        File.WriteAllText(script, "#!/bin/sh\n[ \"$1\" = bound ] && ip address replace \"$ip/24\" dev \"$interface\"\nexit 0\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var explain = _host.Dom0.Exec(Binaries.Vif, ["explain", "2", "0"], _host.LibxlEnvironment(2, 0)).StdOut;
        Assert.Contains("antispoof: dhcp", explain, StringComparison.Ordinal);
        Assert.Contains("update @vif_vif2_2e0_dhcp { @th,192,32 timeout 20s }", explain, StringComparison.Ordinal);
        var online = _host.Hotplug("online", 2, 0);
        Assert.True(online.Ok, online.ToString());

        // Before the lease: the address the server will give is not the guest's yet.
        guest.Ip("address", "add", "192.0.2.60/24", "dev", "eth0");
        Assert.False(guest.Ping("192.0.2.1", seconds: 2), "no address passes before the lease");
        guest.Ip("address", "flush", "dev", "eth0");

        _servers.Add(lan.Start("busybox", ["udhcpd", "-f", conf]));
        ProcResult Lease(params string[] extra) =>
            guest.Exec("busybox", ["udhcpc", "-i", "eth0", "-n", "-q", "-f", "-t", "10", "-T", "2", "-s", script, .. extra], timeout: TimeSpan.FromSeconds(60));
        var lease = Lease();
        Assert.True(lease.Ok, lease.ToString());
        Assert.Contains("lease of 192.0.2.60 obtained", lease.StdOut + lease.StdErr, StringComparison.Ordinal);
        Assert.Contains("192.0.2.60 timeout 20s", Learnt(), StringComparison.Ordinal);
        Assert.True(guest.Ping("192.0.2.1"), "the guest reaches the lan from its lease");
        Assert.True(lan.Ping("192.0.2.60"), "and the lan reaches it");
        var status = _host.Dom0.Exec(Binaries.Network, ["status", "--firewall"], _host.LibxlEnvironment(2, 0));
        Assert.True(status.Ok, status.ToString());
        Assert.Matches(@"vif2\.0\s+xenbr0\s+dhcp\s", status.StdOut);
        Assert.Matches(@"  learnt: 192\.0\.2\.60 \(expires in \d+ s\)\n", status.StdOut);

        // A forged source, with the lease held.
        var lanMac = lan.ReadSys("lan0", "address");
        guest.Ip("address", "add", "192.0.2.61/32", "dev", "eth0");
        guest.Ip("neigh", "replace", "192.0.2.1", "lladdr", lanMac, "dev", "eth0", "nud", "permanent");
        var forgedBefore = GuardCount("no IPv4 address learnt or in ip=");
        Assert.False(guest.Exec("ping", ["-c", "3", "-i", "0.2", "-W", "1", "-I", "192.0.2.61", "192.0.2.1"]).Ok);
        Assert.True(Until(() => GuardCount("no IPv4 address learnt or in ip=") >= forgedBefore + 3, TimeSpan.FromSeconds(30)));
        guest.Ip("address", "del", "192.0.2.61/32", "dev", "eth0");

        // A repeated online (the same NIC again) keeps what the kernel learnt.
        var again = _host.Hotplug("online", 2, 0);
        Assert.True(again.Ok, again.ToString());
        Assert.Contains("192.0.2.60", Learnt(), StringComparison.Ordinal);
        Assert.True(guest.Ping("192.0.2.1"), "still reaches the lan after a repeated online");

        // Expiry: no renewal within dhcp_timeout, and the address passes no more.
        Assert.True(Until(() => !Learnt().Contains("192.0.2.60", StringComparison.Ordinal), TimeSpan.FromSeconds(40)), "the learnt address times out");
        Assert.False(guest.Ping("192.0.2.1", seconds: 2), "an expired address does not pass");

        // A new lease held by a running client, then its release (SIGUSR2): the address is forgotten at once.
        var client = guest.Start("busybox", ["udhcpc", "-i", "eth0", "-f", "-t", "10", "-T", "2", "-s", script]);
        _servers.Add(client);
        Assert.True(Until(() => Learnt().Contains("192.0.2.60", StringComparison.Ordinal), TimeSpan.FromSeconds(30)), "the running client's lease is learnt");
        Assert.True(guest.Ping("192.0.2.1"), "the new lease passes");
        Assert.True(Proc.Run("kill", ["-USR2", client.Id.ToString(CultureInfo.InvariantCulture)]).Ok);
        Assert.True(Until(() => !Learnt().Contains("192.0.2.60", StringComparison.Ordinal), TimeSpan.FromSeconds(10)), "the release removes the address: " + Learnt());
        guest.Ip("address", "replace", "192.0.2.60/24", "dev", "eth0");
        Assert.False(guest.Ping("192.0.2.1", seconds: 2), "a released address does not pass");

        var offline = _host.Hotplug("offline", 2, 0);
        Assert.True(offline.Ok, offline.ToString());
        var rules = Nft("list", "ruleset");
        Assert.DoesNotContain("vif_vif2_2e0", rules, StringComparison.Ordinal);
        Assert.DoesNotContain("learn_vif2_2e0", rules, StringComparison.Ordinal);
    }

    [Fact]
    public void A_guest_cannot_teach_the_guard_an_address_with_a_forged_ack()
    {
        _host.AddBridge("xenbr0");
        var lan = _host.AddUplink("eth0", "xenbr0");
        lan.Ip("address", "add", "192.0.2.1/24", "dev", "lan0");
        var guest = _host.AddGuest(2, 0, "xenbr0");
        guest.Ip("link", "set", "eth0", "address", Mac);
        // An unguarded neighbour (antispoof off for it) runs a DHCP server: its acks reach the guest's port, but not by a trusted port.
        _host.WriteConfig("[policy]\nantispoof = dhcp\ndhcp_timeout = 20\n[bridge:xenbr0]\nuplink = eth0\n[domain:evil]\nantispoof = off\n");
        var evil = _host.AddGuest(3, 0, "xenbr0", "192.0.2.99/24", name: "evil");
        Assert.True(_host.Hotplug("online", 2, 0).Ok);
        Assert.True(_host.Hotplug("online", 3, 0).Ok);
        var conf = Path.Combine(_host.WorkDir, "evil.conf");
        File.WriteAllText(conf, $"start 192.0.2.77\nend 192.0.2.77\ninterface eth0\nlease_file {_host.WorkDir}/evil.leases\npidfile {_host.WorkDir}/evil.pid\noption subnet 255.255.255.0\n");
        _servers.Add(evil.Start("busybox", ["udhcpd", "-f", conf]));
        var lease = guest.Exec("busybox", ["udhcpc", "-i", "eth0", "-n", "-q", "-f", "-t", "5", "-T", "2", "-s", "/bin/true"], timeout: TimeSpan.FromSeconds(60));
        Assert.Contains("lease of 192.0.2.77 obtained", lease.StdOut + lease.StdErr, StringComparison.Ordinal); // the client believed it
        Assert.DoesNotContain("192.0.2.77", Learnt(), StringComparison.Ordinal); // the guard did not
    }
}
