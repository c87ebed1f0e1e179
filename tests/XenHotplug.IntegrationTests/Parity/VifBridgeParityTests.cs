
namespace XenHotplug.IntegrationTests.Parity;

/// <summary>
/// Debian's stock vif-bridge and vif-multibridge on identical simulated dom0s: the end state of the vif
/// (bridge, up/down, MTU, MAC, addresses), the frontend mtu node, hotplug-status, hotplug-error and the
/// exit status must be the same. Where the stock script is wrong by design, the difference is asserted
/// explicitly. Runs as root (network namespaces).
/// </summary>
public sealed class VifBridgeParityTests : IDisposable
{
    private const string PortMac = "fe:ff:ff:ff:ff:ff";

    /// <summary>An address left on the vif by someone else: both scripts must flush it.</summary>
    private const string StrayAddress = "192.0.2.77/24";

    private readonly ParityRun _run = new();

    public void Dispose() => _run.Dispose();

    private void Guest(int domid, int devid, string? bridge, IReadOnlyDictionary<string, string>? backend = null, bool createDevice = true, string? bridgeName = "xenbr0", int bridgeMtu = 1500)
    {
        _run.Both(d =>
        {
            if (bridgeName is not null) d.AddBridge(bridgeName, bridgeMtu);
            d.AddGuest(domid, devid, bridge, $"10.0.{domid}.{devid + 2}/24", backend: backend, createDevice: createDevice);
            if (createDevice) d.Dom0.Ip("address", "add", StrayAddress, "dev", $"vif{domid}.{devid}");
        });
    }

    private static void AssertSame(HotplugOutcome stock, HotplugOutcome ours)
    {
        Assert.True(stock.Summary == ours.Summary, $"stock vif-bridge and vif-multibridge differ:\n  stock: {stock.Summary}\n  ours:  {ours.Summary}\n{LogTail()}");
    }

    private static string LogTail()
    {
        const string log = "/var/log/xen/xen-hotplug.log";
        if (!File.Exists(log)) return "";
        var lines = File.ReadAllLines(log);
        return "xen-hotplug.log (tail):\n" + string.Join('\n', lines.TakeLast(15));
    }

    private static void AssertAttached(HotplugOutcome o, string bridge, int mtu)
    {
        Assert.Equal(0, o.ExitCode);
        Assert.Equal(bridge, o.Link.Master);
        Assert.True(o.Link.AdminUp);
        Assert.Equal(mtu, o.Link.Mtu);
        Assert.Equal(PortMac, o.Link.Mac);
        Assert.Empty(o.Link.Addresses);
        Assert.Equal("connected", o.HotplugStatus);
        Assert.False(o.HasHotplugError);
    }

    [Fact]
    public void Plain_online()
    {
        Guest(5, 0, "xenbr0");

        var (stock, ours) = _run.Run("online", 5, 0, "vif5.0");

        AssertSame(stock, ours);
        AssertAttached(ours, "xenbr0", 1500);
        Assert.Equal("1500", ours.FrontendMtu);
    }

    [Fact]
    public void Online_with_backend_mtu_1400()
    {
        Guest(5, 0, "xenbr0", new Dictionary<string, string> { ["mtu"] = "1400" });

        var (stock, ours) = _run.Run("online", 5, 0, "vif5.0");

        AssertSame(stock, ours);
        AssertAttached(ours, "xenbr0", 1400);
        Assert.Equal("1400", ours.FrontendMtu);
    }

    [Fact]
    public void Vif_inherits_the_bridge_mtu_9000()
    {
        Guest(5, 0, "xenbr0", bridgeMtu: 9000);

        var (stock, ours) = _run.Run("online", 5, 0, "vif5.0");

        AssertSame(stock, ours);
        AssertAttached(ours, "xenbr0", 9000);
        Assert.Equal("9000", ours.FrontendMtu);
    }

    [Fact]
    public void Old_style_xenbr1_is_translated_to_the_eth1_bridge()
    {
        // New-style host: the bridge is called eth1 (its NIC was renamed peth1); the guest config still says xenbr1.
        Guest(5, 0, "xenbr1", bridgeName: "eth1");

        var (stock, ours) = _run.Run("online", 5, 0, "vif5.0");

        AssertSame(stock, ours);
        AssertAttached(ours, "eth1", 1500);
    }

    [Fact]
    public void First_bridge_is_used_when_none_is_named()
    {
        Guest(5, 0, bridge: null);

        var (stock, ours) = _run.Run("online", 5, 0, "vif5.0");

        AssertSame(stock, ours);
        AssertAttached(ours, "xenbr0", 1500);
    }

    [Fact]
    public void Without_bridge_utils_the_first_bridge_with_a_port_is_used()
    {
        // Stock's other branch: `bridge link | cut -d" " -f7`, the master of the host's only bridge port.
        _run.WithoutBridgeUtils = true;
        Guest(5, 0, bridge: null);
        _run.Both(d => d.AddUplink("eth0", "xenbr0"));

        var (stock, ours) = _run.Run("online", 5, 0, "vif5.0");

        AssertSame(stock, ours);
        AssertAttached(ours, "xenbr0", 1500);
    }

    [Fact]
    public void Without_bridge_utils_and_several_ports_the_first_bridge_is_used()
    {
        // With several bridge ports `bridge link | cut` yields several lines; measured with Debian 12's Xen 4.17 scripts and
        // iproute2, the stock script still ends on the first one, as vif-multibridge does.
        _run.WithoutBridgeUtils = true;
        Guest(5, 0, bridge: null);
        _run.Both(d =>
        {
            d.AddBridge("xenbr1");
            d.AddUplink("eth0", "xenbr0");
            d.AddUplink("eth1", "xenbr1");
        });

        var (stock, ours) = _run.Run("online", 5, 0, "vif5.0");

        AssertSame(stock, ours);
        AssertAttached(ours, "xenbr0", 1500);
    }

    [Fact]
    public void Online_then_offline()
    {
        Guest(5, 0, "xenbr0");
        var (s1, o1) = _run.Run("online", 5, 0, "vif5.0");
        AssertSame(s1, o1);

        var (stock, ours) = _run.Run("offline", 5, 0, "vif5.0");

        AssertSame(stock, ours);
        Assert.Equal(0, ours.ExitCode);
        Assert.True(ours.Link.Exists);
        Assert.Null(ours.Link.Master);
        Assert.False(ours.Link.AdminUp);
        Assert.Empty(_run.Ours.Dom0.Ports("xenbr0"));
        Assert.Empty(_run.Stock.Dom0.Ports("xenbr0"));
        // Neither script touches xenstore on offline: libxl removes the backend itself.
        Assert.Equal("connected", ours.HotplugStatus);
        Assert.False(ours.HasHotplugError);
    }

    [Fact]
    public void Offline_of_a_vif_that_does_not_exist()
    {
        Guest(5, 0, "xenbr0", createDevice: false);

        var (stock, ours) = _run.Run("offline", 5, 0, "vif5.0");

        AssertSame(stock, ours);
        Assert.Equal(0, ours.ExitCode);
        Assert.False(ours.Link.Exists);
        Assert.Null(ours.HotplugStatus);
        Assert.False(ours.HasHotplugError);
    }

    [Fact]
    public void Missing_bridge_fails_alike_and_leaves_the_vif_untouched()
    {
        Guest(5, 0, "nosuchbr0");
        var (beforeStock, beforeOurs) = _run.Probe("vif5.0");
        Assert.Equal(beforeStock.Summary.Replace(beforeStock.Mac!, "MAC", StringComparison.Ordinal), beforeOurs.Summary.Replace(beforeOurs.Mac!, "MAC", StringComparison.Ordinal));

        var (stock, ours) = _run.Run("online", 5, 0, "vif5.0");

        Assert.Equal(1, stock.ExitCode);
        Assert.Equal(1, ours.ExitCode);
        Assert.Equal("error", stock.HotplugStatus);
        Assert.Equal("error", ours.HotplugStatus);
        Assert.True(stock.HasHotplugError);
        Assert.True(ours.HasHotplugError);
        Assert.Contains("nosuchbr0", _run.Ours.Backend(5, 0, "hotplug-error"), StringComparison.Ordinal);
        Assert.Contains("nosuchbr0", _run.Stock.Backend(5, 0, "hotplug-error"), StringComparison.Ordinal);
        // The vif is exactly as it was (its random veth MAC, the stray address, down, on no bridge).
        Assert.Equal(beforeStock.Summary, stock.Link.Summary);
        Assert.Equal(beforeOurs.Summary, ours.Link.Summary);
        Assert.Equal([StrayAddress], ours.Link.Addresses);
        Assert.Null(ours.Link.Master);
        Assert.Null(ours.FrontendMtu);
        Assert.Null(stock.FrontendMtu);
    }

    [Fact]
    public void Vifname_rename_then_offline()
    {
        Guest(5, 0, "xenbr0", new Dictionary<string, string> { ["vifname"] = "web5" });

        var (s, o) = _run.Hotplug("online", 5, 0);
        var stock = ParityRun.Outcome(_run.Stock, s, 5, 0, "web5");
        var ours = ParityRun.Outcome(_run.Ours, o, 5, 0, "web5");

        // The device itself ends up the same: renamed, on the bridge, configured.
        Assert.Equal(stock.Link.Summary, ours.Link.Summary);
        Assert.Equal(stock.ExitCode, ours.ExitCode);
        Assert.Equal(stock.HotplugStatus, ours.HotplugStatus);
        Assert.Equal(stock.HasHotplugError, ours.HasHotplugError);
        AssertAttached(ours, "xenbr0", 1500);
        Assert.False(_run.Ours.Dom0.Has("vif5.0"));
        Assert.False(_run.Stock.Dom0.Has("vif5.0"));

        // DIVERGENCE (a bug in the stock script): set_mtu derives the frontend path from the renamed
        // device ("web5" -> domid "web5", devid "web5") instead of XENBUS_PATH, so the guest never sees its
        // mtu and a bogus /local/domain/web5 tree appears. vif-multibridge writes the real frontend node.
        Assert.Null(stock.FrontendMtu);
        Assert.Equal("1500", _run.Stock.Xenstore.Read("/local/domain/web5/device/vif/web5/mtu"));
        Assert.Equal("1500", ours.FrontendMtu);
        Assert.Null(_run.Ours.Xenstore.Read("/local/domain/web5/device/vif/web5/mtu"));

        // DIVERGENCE (by design): vif-multibridge marks a device it renamed with an alias, so that a repeated
        // online finds it again and never mistakes another interface called web5 for it. The stock script sets none.
        Assert.Equal("xen-vif-5.0", ours.Link.Alias);
        Assert.Null(stock.Link.Alias);

        var (s2, o2) = _run.Hotplug("offline", 5, 0);
        var stockOff = ParityRun.Outcome(_run.Stock, s2, 5, 0, "web5");
        var oursOff = ParityRun.Outcome(_run.Ours, o2, 5, 0, "web5");
        Assert.Equal(stockOff.Link.Summary, oursOff.Link.Summary);
        Assert.Equal(0, stockOff.ExitCode);
        Assert.Equal(0, oursOff.ExitCode);
        Assert.Null(oursOff.Link.Master);
        Assert.False(oursOff.Link.AdminUp);
    }

    [Fact]
    public void Tap_add_then_remove()
    {
        // An HVM guest's emulated NIC: qemu's tap vif7.0-emu; libxl runs the script with add/remove,
        // type_if=tap and INTERFACE=vif7.0-emu.
        Guest(7, 0, "xenbr0", createDevice: false);
        _run.Both(d =>
        {
            d.Dom0.Ip("tuntap", "add", "dev", "vif7.0-emu", "mode", "tap");
            d.Dom0.Ip("address", "add", StrayAddress, "dev", "vif7.0-emu");
        });

        var (stock, ours) = _run.Run("add", 7, 0, "vif7.0-emu", "tap");

        AssertSame(stock, ours);
        Assert.Equal(0, ours.ExitCode);
        Assert.Equal("xenbr0", ours.Link.Master);
        Assert.True(ours.Link.AdminUp);
        Assert.Equal(PortMac, ours.Link.Mac);
        Assert.Empty(ours.Link.Addresses);
        Assert.Equal(1500, ours.Link.Mtu);
        // A tap is not a PV NIC: no frontend mtu, and hotplug-status is only written for a vif online.
        Assert.Null(ours.FrontendMtu);
        Assert.Null(ours.HotplugStatus);

        var (stockRm, oursRm) = _run.Run("remove", 7, 0, "vif7.0-emu", "tap");

        AssertSame(stockRm, oursRm);
        Assert.Equal(0, oursRm.ExitCode);
        Assert.Null(oursRm.Link.Master);
        Assert.False(oursRm.Link.AdminUp);
    }

    [Fact]
    public void Online_for_a_tap_and_add_for_a_vif_do_nothing()
    {
        // vif-common.sh: online/offline concern vifs only, add/remove taps only; anything else exits 0 untouched.
        Guest(5, 0, "xenbr0");
        var (before, _) = _run.Probe("vif5.0");

        var (s, o) = _run.Hotplug("add", 5, 0, "vif");

        Assert.Equal(0, s.ExitCode);
        Assert.Equal(0, o.ExitCode);
        var (stock, ours) = _run.Probe("vif5.0");
        Assert.Equal(before.Summary, stock.Summary);
        Assert.Null(ours.Master);
        Assert.Equal([StrayAddress], ours.Addresses);
        Assert.Null(_run.Ours.Backend(5, 0, "hotplug-status"));
        Assert.Null(_run.Stock.Backend(5, 0, "hotplug-status"));
    }
}
