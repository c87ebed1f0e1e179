using XenHotplug.Core.Configuration;
using XenHotplug.Core.Failures;
using XenHotplug.Core.Request;

namespace XenHotplug.Tests.Request;

public class IdentityGuardTests
{
    private static readonly MultibridgeConfig Config = MultibridgeConfig.Default with
    {
        Bridges = [new BridgeDeclaration("xenbr0", "eth0", null, 1), new BridgeDeclaration("xenbr1", "eth1", null, 1)],
    };

    private static HotplugRequest Request(HotplugCommand command = HotplugCommand.Online, string device = "vif3.0") =>
        new(command, InterfaceType.Vif, device, "backend/vif/3/0", 3, 0, new Dictionary<string, string>());

    private static DeviceFacts Facts(bool bridge = false, string? alias = null, string? master = null, bool addresses = false) =>
        new(true, bridge, false, alias, master, addresses);

    [Theory]
    [InlineData("backend/vif/3/0", 3, 0)]
    [InlineData("/local/domain/0/backend/vif/3/0", 3, 0)]
    [InlineData("/local/domain/7/backend/vif/12/3", 12, 3)]
    public void Accepts_the_shapes_libxl_passes(string path, int domid, int devid)
    {
        Assert.Equal((domid, devid), IdentityGuard.BackendIds(path));
    }

    [Theory]
    [InlineData("backend/vbd/3/51712")]
    [InlineData("/local/domain/3/device/vif/0")]
    [InlineData("/local/domain/0/backend/vif/3")]
    [InlineData("/tool/xenstored/backend/vif/3/0")]
    [InlineData("x/backend/vif/3/0")]
    [InlineData("backend/vif/3/0/extra")]
    [InlineData("backend/vif/-3/0")]
    [InlineData("backend/vif/03/0")]
    [InlineData("backend/vif/3/999999")]
    [InlineData("/local/domain/0/backend/vif/3/0/hotplug-status")]
    public void Refuses_every_other_path(string path)
    {
        Assert.Null(IdentityGuard.BackendIds(path));
        var e = Assert.Throws<IdentityException>(() => IdentityGuard.CheckRequest(InterfaceType.Vif, "vif3.0", path));
        Assert.StartsWith("refusing XENBUS_PATH '", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("xenbr0")]
    [InlineData("eth0")]
    [InlineData("vif4.0")]
    [InlineData("vif3.1")]
    [InlineData("vif3.0-emu")]
    public void Refuses_a_vif_that_is_not_the_backends_device(string vif)
    {
        var e = Assert.Throws<IdentityException>(() => IdentityGuard.CheckRequest(InterfaceType.Vif, vif, "backend/vif/3/0"));
        Assert.Equal($"refusing vif={vif}: XENBUS_PATH backend/vif/3/0 is NIC 3.0, whose device is vif3.0", e.Message);
    }

    [Fact]
    public void The_tap_is_the_emu_name()
    {
        Assert.Equal((3, 0), IdentityGuard.CheckRequest(InterfaceType.Tap, "vif3.0-emu", "backend/vif/3/0"));
        Assert.Throws<IdentityException>(() => IdentityGuard.CheckRequest(InterfaceType.Tap, "vif3.0", "backend/vif/3/0"));
    }

    [Fact]
    public void Parser_refuses_mismatched_pairs_before_anything_else()
    {
        var e = Assert.Throws<IdentityException>(() => HotplugRequestParser.Parse(["offline", "type_if=vif", "vif=eth0", "XENBUS_PATH=backend/vif/3/0"], new Dictionary<string, string>()));
        Assert.Equal("refusing vif=eth0: XENBUS_PATH backend/vif/3/0 is NIC 3.0, whose device is vif3.0", e.Message);
    }

    [Fact]
    public void Libxls_name_or_our_mark_is_the_guests()
    {
        Assert.Null(IdentityGuard.WhyNot(Request(), "vif3.0", Facts(), Config));
        Assert.Null(IdentityGuard.WhyNot(Request(HotplugCommand.Offline), "vif3.0", Facts(master: "xenbr0"), Config));
        Assert.Null(IdentityGuard.WhyNot(Request(HotplugCommand.Offline), "web3", Facts(alias: "xen-vif-3.0", master: "xenbr0"), Config));
    }

    [Fact]
    public void Another_guests_mark_or_no_mark_is_refused()
    {
        Assert.Equal("refusing to detach web4: it is not NIC 3.0's device (neither vif3.0 nor marked xen-vif-3.0; its alias is 'xen-vif-4.0')",
            IdentityGuard.WhyNot(Request(HotplugCommand.Offline), "web4", Facts(alias: "xen-vif-4.0", master: "xenbr0"), Config));
        Assert.Equal("refusing to detach dummy0: it is not NIC 3.0's device (neither vif3.0 nor marked xen-vif-3.0)",
            IdentityGuard.WhyNot(Request(HotplugCommand.Offline), "dummy0", Facts(), Config));
    }

    [Fact]
    public void Bridges_uplinks_loopback_and_addressed_links_are_never_touched()
    {
        var offline = Request(HotplugCommand.Offline);
        Assert.Equal("refusing to detach eth0: it is the uplink of bridge xenbr0", IdentityGuard.WhyNot(offline, "eth0", Facts(master: "xenbr0", alias: "xen-vif-3.0"), Config));
        Assert.Equal("refusing to detach xenbr1: it is the declared bridge xenbr1", IdentityGuard.WhyNot(offline, "xenbr1", Facts(alias: "xen-vif-3.0"), Config));
        Assert.Equal("refusing to detach br9: it is a bridge, not NIC 3.0's device", IdentityGuard.WhyNot(offline, "br9", Facts(bridge: true), Config));
        Assert.Equal("refusing to detach lo: it is the loopback", IdentityGuard.WhyNot(offline, "lo", Facts(alias: "xen-vif-3.0"), Config));
        Assert.Equal("refusing to detach web3: it holds IP addresses, which a guest's port never does", IdentityGuard.WhyNot(offline, "web3", Facts(alias: "xen-vif-3.0", addresses: true), Config));
        Assert.Null(IdentityGuard.WhyNot(Request(), "vif3.0", Facts(addresses: true), Config)); // netback's own device: flushed, as vif-bridge does
        Assert.Throws<HotplugException>(() => IdentityGuard.Check(Request(), "vif3.0", Facts(bridge: true), Config));
    }

    [Fact]
    public void Quoted_values_are_printable_and_cut()
    {
        Assert.Equal("a?b", IdentityGuard.Quote("a\nb"));
        Assert.Equal(new string('x', 64) + "...", IdentityGuard.Quote(new string('x', 5000)));
    }
}
