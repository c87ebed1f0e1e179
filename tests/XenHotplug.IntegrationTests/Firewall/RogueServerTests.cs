using System.Globalization;
using System.Text.RegularExpressions;
using XenHotplug.TestSupport;

namespace XenHotplug.IntegrationTests.Firewall;

/// <summary>
/// The rogue router and DHCP server guard of antispoof = ip with real traffic: a guarded guest running its own DHCP
/// server (busybox udhcpd) and sending IPv6 router advertisements does not reach its neighbour, whose real DHCP client
/// (busybox udhcpc) takes the lan's lease and whose kernel keeps no router from it, nor receives its IPv4 ICMP
/// redirects; the same advertisement and redirect from a guest with allow_router = yes are taken, so the drop is the guard's.
/// </summary>
public sealed partial class RogueServerTests : IDisposable
{
    private const string Config = "[domain:rogue-*]\nantispoof = ip\n[domain:router-*]\nantispoof = ip\nallow_router = yes\nallow_dhcp_server = yes\n";
    private const string RogueMac = "00:16:3e:00:01:00", RogueLinkLocal = "fe80::216:3eff:fe00:100";
    private const string RouterMac = "00:16:3e:00:03:00", RouterLinkLocal = "fe80::216:3eff:fe00:300";
    private readonly SimulatedDom0 _host = new(Config);
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

    private long GuardCount(string chain, string comment)
    {
        var listing = _host.Dom0.Exec("nft", ["list", "chain", "bridge", "xen_multibridge", chain]).StdOut;
        var line = listing.Split('\n').Single(l => l.Contains($"comment \"{comment}\"", StringComparison.Ordinal));
        return long.Parse(PacketsRegex().Match(line).Groups[1].Value, CultureInfo.InvariantCulture);
    }

    /// <summary>The ICMP redirects a namespace's kernel received (/proc/net/snmp, Icmp: InRedirects).</summary>
    private static long InRedirects(Netns ns)
    {
        var lines = ns.Exec("cat", ["/proc/net/snmp"]).StdOut.Split('\n').Where(l => l.StartsWith("Icmp: ", StringComparison.Ordinal)).ToList();
        var column = Array.IndexOf(lines[0].Split(' '), "InRedirects");
        return long.Parse(lines[1].Split(' ')[column], CultureInfo.InvariantCulture);
    }

    private static bool Until(Func<bool> condition, TimeSpan within, Action? between = null)
    {
        var deadline = DateTime.UtcNow + within;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) return false;
            between?.Invoke();
            Thread.Sleep(200);
        }
        return true;
    }

    private void Udhcpd(Netns ns, string device, string name, string address, string router)
    {
        var conf = Path.Combine(_host.WorkDir, name + ".conf");
        File.WriteAllText(conf, $"start {address}\nend {address}\ninterface {device}\nlease_file {_host.WorkDir}/{name}.leases\npidfile {_host.WorkDir}/{name}.pid\noption subnet 255.255.255.0\noption router {router}\n");
        _servers.Add(ns.Start("busybox", ["udhcpd", "-f", conf]));
    }

    [Fact]
    public void A_guest_running_a_dhcp_server_and_sending_router_advertisements_does_not_reach_its_neighbours()
    {
        _host.AddBridge("xenbr0");
        var lan = _host.AddUplink("eth0", "xenbr0");
        lan.Ip("address", "add", "192.0.2.1/24", "dev", "lan0");
        var rogue = _host.AddGuest(1, 0, "xenbr0", "192.0.2.50/24", name: "rogue-1", backend: new Dictionary<string, string> { ["ip"] = "192.0.2.50" });
        rogue.Ip("link", "set", "eth0", "address", RogueMac);
        var client = _host.AddGuest(2, 0, "xenbr0", name: "client-2");
        var router = _host.AddGuest(3, 0, "xenbr0", "192.0.2.70/24", name: "router-3", backend: new Dictionary<string, string> { ["ip"] = "192.0.2.70" });
        router.Ip("link", "set", "eth0", "address", RouterMac);
        foreach (var dom in new[] { 1, 2, 3 })
        {
            var online = _host.Hotplug("online", dom, 0);
            Assert.True(online.Ok, online.ToString());
        }
        var explain = _host.Dom0.Exec(Binaries.Vif, ["explain", "1", "0"], _host.LibxlEnvironment(1, 0)).StdOut;
        Assert.Contains("router advertisements and redirects: dropped; DHCP server replies: dropped", explain, StringComparison.Ordinal);
        Assert.Contains("udp sport 67 counter drop comment \"rogue DHCP server\"", explain, StringComparison.Ordinal);
        Assert.DoesNotContain("rogue", _host.Dom0.Exec(Binaries.Vif, ["explain", "3", "0"], _host.LibxlEnvironment(3, 0)).StdOut, StringComparison.Ordinal);

        // DHCP: the rogue's server and the lan's both answer the client's discover; only the lan's answer arrives.
        Udhcpd(rogue, "eth0", "rogue", "192.0.2.200", "192.0.2.50");
        Udhcpd(lan, "lan0", "lan", "192.0.2.60", "192.0.2.1");
        var lease = client.Exec("busybox", ["udhcpc", "-i", "eth0", "-n", "-q", "-f", "-t", "10", "-T", "2", "-s", "/bin/true"], timeout: TimeSpan.FromSeconds(60));
        Assert.True(lease.Ok, lease.ToString());
        Assert.Contains("lease of 192.0.2.60 obtained from 192.0.2.1", lease.StdOut + lease.StdErr, StringComparison.Ordinal);
        Assert.True(Until(() => GuardCount("vif_vif1_2e0", "rogue DHCP server") > 0, TimeSpan.FromSeconds(30)), "the rogue's server answered (its answers were dropped)");

        // IPv6 router advertisements: the rogue's is dropped, the allowed router's is taken.
        byte[] Advert(string mac, string linkLocal) => RawFrames.Frame("33:33:00:00:00:01", mac, 0x86dd, RawFrames.RouterAdvert(linkLocal, mac));
        RawFrames.Send(rogue, "eth0", [Advert(RogueMac, RogueLinkLocal), Advert(RogueMac, RogueLinkLocal), Advert(RogueMac, RogueLinkLocal)]);
        Assert.True(Until(() => GuardCount("vif_vif1_2e0", "rogue router advertisement") >= 3, TimeSpan.FromSeconds(30)));
        string Routes() => client.Ip("-6", "route", "show", "default");
        Assert.True(Until(() => Routes().Contains(RouterLinkLocal, StringComparison.Ordinal), TimeSpan.FromSeconds(20),
            () => RawFrames.Send(router, "eth0", [Advert(RouterMac, RouterLinkLocal)])), "the allowed router's advertisement is taken: " + Routes());
        Assert.DoesNotContain(RogueLinkLocal, Routes(), StringComparison.Ordinal);

        // A redirect and a DHCPv6 server's reply from the rogue: counted and dropped.
        RawFrames.Send(rogue, "eth0",
        [
            RawFrames.Frame("33:33:00:00:00:01", RogueMac, 0x86dd, RawFrames.Icmp6(137, new byte[36], RogueLinkLocal, "ff02::1")),
            RawFrames.Frame("33:33:00:01:00:02", RogueMac, 0x86dd, RawFrames.Udp6(RogueLinkLocal, "ff02::1:2", 547, 546, new byte[8])),
        ]);
        Assert.True(Until(() => GuardCount("vif_vif1_2e0", "rogue redirect") > 0 && GuardCount("vif_vif1_2e0", "rogue DHCPv6 server") > 0, TimeSpan.FromSeconds(30)));

        // IPv4 ICMP redirects to the client ("reach 198.51.100.1 by me"): the rogue's are counted and dropped, the
        // allowed router's arrive — the client's kernel counts every redirect it receives (Icmp InRedirects).
        client.Ip("address", "add", "192.0.2.80/24", "dev", "eth0");
        var clientMac = client.ReadSys("eth0", "address");
        Assert.Equal(0, InRedirects(client));
        RawFrames.Send(rogue, "eth0", Enumerable.Repeat(RawFrames.Frame(clientMac, RogueMac, 0x0800, RawFrames.IcmpRedirect("192.0.2.50", "192.0.2.80", "192.0.2.50", "198.51.100.1")), 3));
        Assert.True(Until(() => GuardCount("vif_vif1_2e0", "rogue ICMP redirect") >= 3, TimeSpan.FromSeconds(30)));
        Assert.Equal(0, InRedirects(client));
        Assert.True(Until(() => InRedirects(client) > 0, TimeSpan.FromSeconds(20),
            () => RawFrames.Send(router, "eth0", [RawFrames.Frame(clientMac, RouterMac, 0x0800, RawFrames.IcmpRedirect("192.0.2.70", "192.0.2.80", "192.0.2.70", "198.51.100.1"))])),
            "the allowed router's redirect reaches the client");
        Assert.True(rogue.Ping("192.0.2.1"), "the rogue's own traffic still passes");
        var status = _host.Dom0.Exec(Binaries.Network, ["status", "--firewall", "--json"], _host.LibxlEnvironment(1, 0));
        Assert.True(status.Ok, status.ToString());
        Assert.Matches("\"rogue_ra\": [1-9]", status.StdOut);
        Assert.Matches("\"rogue_dhcp\": [1-9]", status.StdOut);
    }
}
