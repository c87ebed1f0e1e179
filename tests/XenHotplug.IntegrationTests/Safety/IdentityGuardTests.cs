using XenHotplug.TestSupport;

namespace XenHotplug.IntegrationTests.Safety;

/// <summary>
/// No environment or backend value makes vif-multibridge act on an interface that is not the guest's own:
/// a dom0 with its address and default route on xenbr0 (uplink eth0), a second NIC eth1 with an address,
/// and two guests online. Every refusal: exit 1, one line, and dom0's links, addresses, routes and the
/// whole xenstore tree exactly as before (but for hotplug-error/hotplug-status where the backend is the guest's).
/// </summary>
public sealed class IdentityGuardTests : IDisposable
{
    private readonly SimulatedDom0 _host = new();

    public IdentityGuardTests()
    {
        _host.WriteConfig("[bridge:xenbr0]\nuplink = eth0\n");
        _host.AddBridge("xenbr0");
        _host.AddUplink("eth0", "xenbr0");
        _host.Dom0.Ip("address", "add", "10.77.0.1/24", "dev", "xenbr0");
        _host.Dom0.Ip("route", "add", "default", "via", "10.77.0.254");
        _host.AddUplink("eth1");
        _host.Dom0.Ip("address", "add", "10.78.0.1/24", "dev", "eth1");
        _host.AddGuest(3, 0, "xenbr0");
        _host.AddGuest(4, 0, "xenbr0");
        Assert.True(_host.Hotplug("online", 3, 0).Ok);
        Assert.True(_host.Hotplug("online", 4, 0).Ok);
    }

    public void Dispose() => _host.Dispose();

    private ProcResult Run(string command, IReadOnlyDictionary<string, string> env, string type = "vif") =>
        _host.Dom0.Exec(Binaries.Vif, [command, "type_if=" + type], Merge(_host.LibxlEnvironment(3, 0, type), env), TimeSpan.FromSeconds(60));

    private static Dictionary<string, string> Merge(Dictionary<string, string> a, IReadOnlyDictionary<string, string> b)
    {
        foreach (var (k, v) in b) a[k] = v;
        return a;
    }

    private static void AssertRefused(ProcResult r, string expected)
    {
        Assert.Equal(1, r.ExitCode);
        var lines = r.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, r.ToString());
        Assert.EndsWith(expected, lines[0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("offline", "xenbr0")]
    [InlineData("offline", "eth0")]
    [InlineData("offline", "eth1")]
    [InlineData("offline", "lo")]
    [InlineData("offline", "vif4.0")]
    [InlineData("online", "xenbr0")]
    [InlineData("online", "eth0")]
    [InlineData("online", "vif4.0")]
    public void A_vif_that_is_not_the_backends_device_is_refused_and_nothing_changes(string command, string vif)
    {
        var before = HostFingerprint.Of(_host);
        AssertRefused(Run(command, new Dictionary<string, string> { ["vif"] = vif }),
            $": refusing vif={vif}: XENBUS_PATH backend/vif/3/0 is NIC 3.0, whose device is vif3.0");
        Assert.Equal(before, HostFingerprint.Of(_host)); // not even hotplug-error: the backend may be another guest's
    }

    [Theory]
    [InlineData("remove", "eth0")]
    [InlineData("add", "vif4.0-emu")]
    public void A_tap_that_is_not_the_backends_is_refused(string command, string tap)
    {
        var before = HostFingerprint.Of(_host);
        AssertRefused(Run(command, new Dictionary<string, string> { ["INTERFACE"] = tap, ["XENBUS_PATH"] = "backend/vif/3/0" }, "tap"),
            tap.StartsWith("vif", StringComparison.Ordinal)
                ? $"refusing INTERFACE={tap}: XENBUS_PATH backend/vif/3/0 is NIC 3.0, whose device is vif3.0-emu"
                : $"tap interface '{tap}' is not named vifDOMID.DEVID-emu");
        Assert.Equal(before, HostFingerprint.Of(_host));
    }

    [Theory]
    [InlineData("offline", "backend/vif/4/0")]
    [InlineData("online", "backend/vif/4/0")]
    [InlineData("online", "/local/domain/4/name")]
    [InlineData("online", "backend/vbd/3/51712")]
    [InlineData("offline", "/local/domain/0/backend/vif/3/0/hotplug-status")]
    [InlineData("online", "/tool/anything/vif/3/0")]
    public void A_xenbus_path_that_is_not_this_vifs_backend_is_refused_and_nothing_is_written(string command, string path)
    {
        var before = HostFingerprint.Of(_host);
        var r = Run(command, new Dictionary<string, string> { ["XENBUS_PATH"] = path });
        Assert.Equal(1, r.ExitCode);
        Assert.Single(r.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("refusing", r.StdErr, StringComparison.Ordinal);
        Assert.Equal(before, HostFingerprint.Of(_host));
    }

    [Theory]
    [InlineData("eth0", "refusing to detach eth0: it is the uplink of bridge xenbr0")]
    [InlineData("eth1", "refusing to detach eth1: it is not NIC 5.0's device (neither vif5.0 nor marked xen-vif-5.0)")]
    [InlineData("xenbr0", "refusing to detach xenbr0: it is the declared bridge xenbr0")]
    public void Vifname_of_a_dom0_interface_through_online_netback_destroy_and_offline(string vifname, string offlineError)
    {
        _host.AddGuest(5, 0, "xenbr0", backend: new Dictionary<string, string> { ["vifname"] = vifname });
        var before = HostFingerprint.Of(_host);
        var online = _host.Hotplug("online", 5, 0);
        AssertRefused(online, $"cannot rename vif5.0 to {vifname}: an interface named {vifname} already exists");
        Assert.Equal("error", _host.Backend(5, 0, "hotplug-status"));

        _host.Dom0.Ip("link", "delete", "vif5.0"); // netback destroys the vif; then libxl runs offline
        _host.Xenstore.Remove("/local/domain/0/backend/vif/5/0/hotplug-error");
        _host.Xenstore.Remove("/local/domain/0/backend/vif/5/0/hotplug-status");
        var offline = _host.Hotplug("offline", 5, 0);
        AssertRefused(offline, offlineError);
        Assert.Equal(offlineError, _host.Backend(5, 0, "hotplug-error"));

        // dom0 kept its NICs, bridge, address and default route: only vif5.0 is gone, and the error reported.
        _host.Xenstore.Remove("/local/domain/0/backend/vif/5/0/hotplug-error");
        _host.Xenstore.Remove("/local/domain/0/backend/vif/5/0/hotplug-status");
        var expected = string.Join('\n', before.Split('\n').Where(l => !l.Contains("vif5.0", StringComparison.Ordinal)));
        Assert.Equal(expected, HostFingerprint.Of(_host));
        Assert.Equal("xenbr0", _host.Dom0.MasterOf("eth0"));
        Assert.Contains("default via 10.77.0.254", _host.Dom0.Ip("route"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_renamed_vif_is_still_detached_after_netback_keeps_it()
    {
        _host.AddGuest(6, 0, "xenbr0", backend: new Dictionary<string, string> { ["vifname"] = "web6" });
        Assert.True(_host.Hotplug("online", 6, 0).Ok);
        Assert.Equal("xenbr0", _host.Dom0.MasterOf("web6"));
        var off = _host.Hotplug("offline", 6, 0);
        Assert.True(off.Ok, off.ToString());
        Assert.Null(_host.Dom0.MasterOf("web6"));
    }

    [Fact]
    public void Another_guests_renamed_vif_is_never_detached()
    {
        _host.AddGuest(6, 0, "xenbr0", backend: new Dictionary<string, string> { ["vifname"] = "web6" });
        Assert.True(_host.Hotplug("online", 6, 0).Ok);
        // Guest 7's backend names guest 6's renamed vif; guest 7's own vif is already gone.
        _host.AddGuest(7, 0, "xenbr0", createDevice: false, backend: new Dictionary<string, string> { ["vifname"] = "web6" });
        var before = HostFingerprint.Of(_host);
        var r = _host.Hotplug("offline", 7, 0);
        AssertRefused(r, "refusing to detach web6: it is not NIC 7.0's device (neither vif7.0 nor marked xen-vif-7.0; its alias is 'xen-vif-6.0')");
        _host.Xenstore.Remove("/local/domain/0/backend/vif/7/0/hotplug-error");
        _host.Xenstore.Remove("/local/domain/0/backend/vif/7/0/hotplug-status");
        Assert.Equal(before, HostFingerprint.Of(_host));
    }

    [Fact]
    public void Offline_after_the_backend_is_gone_recreates_no_node()
    {
        _host.AddGuest(8, 0, "xenbr0", createDevice: false, backend: new Dictionary<string, string> { ["vifname"] = "eth1" });
        _host.Xenstore.Remove("/local/domain/0/backend/vif/8");
        var before = HostFingerprint.Of(_host);
        var r = _host.Hotplug("offline", 8, 0);
        Assert.True(r.Ok, r.ToString()); // no backend, no vifname: vif8.0 is gone, nothing to do
        Assert.Equal(before, HostFingerprint.Of(_host));
    }

    [Fact]
    public void A_renamed_device_holding_an_address_is_not_detached()
    {
        _host.AddGuest(9, 0, "xenbr0", backend: new Dictionary<string, string> { ["vifname"] = "web9" });
        Assert.True(_host.Hotplug("online", 9, 0).Ok);
        _host.Dom0.Ip("address", "add", "10.79.0.1/24", "dev", "web9"); // the admin made it a host interface
        var before = HostFingerprint.Of(_host);
        var r = _host.Hotplug("offline", 9, 0);
        AssertRefused(r, "refusing to detach web9: it holds IP addresses, which a guest's port never does");
        Assert.Equal("refusing to detach web9: it holds IP addresses, which a guest's port never does", _host.Backend(9, 0, "hotplug-error"));
        _host.Xenstore.Write("/local/domain/0/backend/vif/9/0/hotplug-status", "connected");
        _host.Xenstore.Remove("/local/domain/0/backend/vif/9/0/hotplug-error");
        Assert.Equal(before, HostFingerprint.Of(_host));
    }

    [Theory]
    [InlineData("x%d", "invalid vifname in backend/vif/10/0/vifname: 'x%d' contains '%', which an interface name may not")]
    [InlineData("a:b", "invalid vifname in backend/vif/10/0/vifname: 'a:b' contains ':', which an interface name may not")]
    [InlineData("sixteen-bytes-xx", "invalid vifname in backend/vif/10/0/vifname: 'sixteen-bytes-xx' is longer than 15 bytes")]
    public void Vifnames_are_taken_literally_or_refused(string vifname, string expected)
    {
        _host.AddGuest(10, 0, "xenbr0", backend: new Dictionary<string, string> { ["vifname"] = vifname });
        var before = HostFingerprint.Of(_host);
        AssertRefused(_host.Hotplug("online", 10, 0), expected);
        Assert.Equal(expected, _host.Backend(10, 0, "hotplug-error"));
        _host.Xenstore.Remove("/local/domain/0/backend/vif/10/0/hotplug-error");
        _host.Xenstore.Remove("/local/domain/0/backend/vif/10/0/hotplug-status");
        Assert.Equal(before, HostFingerprint.Of(_host));
    }
}
