using XenHotplug.TestSupport;

namespace XenHotplug.IntegrationTests.Firewall;

/// <summary>
/// isolated = yes with the real kernel bridge: two isolated guests on one bridge cannot reach each other, both reach
/// the lan through the uplink, a guest that is not isolated reaches both; the flag is set through rtnetlink and
/// through `ip -batch` alike, and explain shows the step.
/// </summary>
public sealed class PortIsolationTests : IDisposable
{
    private readonly SimulatedDom0 _host = new("[domain:iso-*]\nisolated = yes\n");

    public void Dispose() => _host.Dispose();

    [Fact]
    public void Isolated_guests_reach_the_lan_and_the_open_guest_but_never_each_other()
    {
        _host.AddBridge("xenbr0");
        var lan = _host.AddUplink("eth0", "xenbr0");
        lan.Ip("address", "add", "192.0.2.1/24", "dev", "lan0");
        var iso1 = _host.AddGuest(1, 0, "xenbr0", "192.0.2.11/24", name: "iso-1");
        var iso2 = _host.AddGuest(2, 0, "xenbr0", "192.0.2.12/24", name: "iso-2");
        var open = _host.AddGuest(3, 0, "xenbr0", "192.0.2.13/24", name: "open-3");

        var explain = _host.Dom0.Exec(Binaries.Vif, ["explain", "1", "0"], _host.LibxlEnvironment(1, 0));
        Assert.True(explain.Ok, explain.ToString());
        Assert.Contains("port: isolated\n  why: [domain:iso-*] isolated\n", explain.StdOut, StringComparison.Ordinal);
        Assert.Contains("  ip link set dev vif1.0 type bridge_slave isolated on\n  ip link set dev vif1.0 up\n", explain.StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain("isolated", _host.Dom0.Exec(Binaries.Vif, ["explain", "3", "0"], _host.LibxlEnvironment(3, 0)).StdOut, StringComparison.Ordinal);

        var r1 = _host.Hotplug("online", 1, 0);
        Assert.True(r1.Ok, r1.ToString());
        // The ip backend sets the same flag with `ip -batch` (`type bridge_slave isolated on`).
        var r2 = _host.Hotplug("online", 2, 0, extraEnv: new Dictionary<string, string> { ["XEN_MULTIBRIDGE_hotplug__network_backend"] = "ip" });
        Assert.True(r2.Ok, r2.ToString());
        var r3 = _host.Hotplug("online", 3, 0);
        Assert.True(r3.Ok, r3.ToString());
        Assert.Equal(("1", "1", "0"), (_host.Dom0.ReadSys("vif1.0", "brport/isolated"), _host.Dom0.ReadSys("vif2.0", "brport/isolated"), _host.Dom0.ReadSys("vif3.0", "brport/isolated")));
        Assert.Equal("0", _host.Dom0.ReadSys("eth0", "brport/isolated")); // the uplink is never touched

        Assert.True(iso1.Ping("192.0.2.1"), "iso-1 reaches the lan");
        Assert.True(iso2.Ping("192.0.2.1"), "iso-2 reaches the lan");
        Assert.True(open.Ping("192.0.2.11"), "open-3 reaches iso-1");
        Assert.True(open.Ping("192.0.2.12"), "open-3 reaches iso-2");
        Assert.True(iso1.Ping("192.0.2.13"), "iso-1 reaches open-3");
        Assert.False(iso1.Ping("192.0.2.12", seconds: 2), "iso-1 must not reach iso-2");
        Assert.False(iso2.Ping("192.0.2.11", seconds: 2), "iso-2 must not reach iso-1");

        // Offline: the port leaves the bridge and the flag with it; a new online sets it again.
        Assert.True(_host.Hotplug("offline", 1, 0).Ok);
        Assert.Null(_host.Dom0.MasterOf("vif1.0"));
        Assert.True(_host.Hotplug("online", 1, 0).Ok);
        Assert.Equal("1", _host.Dom0.ReadSys("vif1.0", "brport/isolated"));
        Assert.False(iso1.Ping("192.0.2.12", seconds: 2), "iso-1 must not reach iso-2 after a new online");
    }
}
