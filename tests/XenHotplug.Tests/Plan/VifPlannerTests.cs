using XenHotplug.Core.Failures;
using XenHotplug.Core.Network;
using XenHotplug.Core.Plan;
using XenHotplug.Core.Request;
using XenHotplug.Tests.Support;

namespace XenHotplug.Tests.Plan;

public class VifPlannerTests
{
    private static HotplugRequest Request(HotplugCommand command = HotplugCommand.Online, InterfaceType type = InterfaceType.Vif, string device = "vif3.0") =>
        new(command, type, device, "backend/vif/3/0", 3, 0, new Dictionary<string, string>());

    private static VifSettings Settings(string? mtu = null, string? vifname = null) => new("xenbr0", null, mtu, vifname, null, null, "web", null);

    [Fact]
    public void Online_matches_the_stock_scripts_steps()
    {
        var plan = VifPlanner.Attach(Request(), Settings(), "xenbr0", 1500, "vif3.0", "vif3.0", null);
        Assert.Equal([
            "ip link set dev vif3.0 down",
            "ip link set dev vif3.0 address fe:ff:ff:ff:ff:ff",
            "ip address flush dev vif3.0",
            "ip link set dev vif3.0 mtu 1500",
            "ip link set dev vif3.0 master xenbr0",
            "ip link set dev vif3.0 up",
        ], plan.Operations.Select(o => o.ToString()));
        Assert.Equal([
            new("/local/domain/3/device/vif/0/mtu", "1500"),
            new("backend/vif/3/0/hotplug-status", "connected"),
        ], plan.XenstoreWrites);
    }

    [Fact]
    public void Backend_mtu_wins_over_the_bridges()
    {
        var plan = VifPlanner.Attach(Request(), Settings(mtu: "9000"), "xenbr0", 1500, "vif3.0", "vif3.0", null);
        Assert.Contains("ip link set dev vif3.0 mtu 9000", plan.Operations.Select(o => o.ToString()));
        Assert.Equal(9000, plan.Mtu);
    }

    [Fact]
    public void Invalid_backend_mtu_is_an_error()
    {
        Assert.Contains("invalid mtu 'huge' in backend/vif/3/0/mtu", Assert.Throws<HotplugException>(() =>
            VifPlanner.Attach(Request(), Settings(mtu: "huge"), "xenbr0", 1500, "vif3.0", "vif3.0", null)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Second_online_does_not_re_enslave()
    {
        var plan = VifPlanner.Attach(Request(), Settings(), "xenbr0", 1500, "vif3.0", "vif3.0", "xenbr0");
        Assert.DoesNotContain(plan.Operations, o => o.ToString().Contains("master", StringComparison.Ordinal));
    }

    [Fact]
    public void Tap_add_writes_no_frontend_mtu_and_no_status()
    {
        var plan = VifPlanner.Attach(Request(HotplugCommand.Add, InterfaceType.Tap, "vif3.0-emu"), Settings(), "xenbr0", 1500, "vif3.0-emu", "vif3.0-emu", null);
        Assert.Empty(plan.XenstoreWrites);
    }

    [Fact]
    public void Vifname_marks_the_device_then_renames_it()
    {
        var sys = new FakeSysfs().Add("vif3.0");
        var (current, target) = VifPlanner.Names(Request(), Settings(vifname: "web-nic"), sys);
        Assert.Equal(("vif3.0", "web-nic"), (current, target));
        var plan = VifPlanner.Attach(Request(), Settings(vifname: "web-nic"), "xenbr0", 1500, current, target, null);
        // The mark first: a hotplug killed between the two leaves libxl's name marked, never a renamed device without the mark.
        Assert.Equal("ip link set dev vif3.0 alias xen-vif-3.0", plan.Operations[0].ToString());
        Assert.Equal("ip link set dev vif3.0 name web-nic", plan.Operations[1].ToString());
        Assert.Equal("/local/domain/3/device/vif/0/mtu", plan.XenstoreWrites[0].Key);
    }

    [Fact]
    public void Vifname_taken_by_another_interface_fails_without_touching_it()
    {
        var sys = new FakeSysfs().Add("vif3.0").Add("web-nic", master: "xenbr0");
        var e = Assert.Throws<HotplugException>(() => VifPlanner.Names(Request(), Settings(vifname: "web-nic"), sys));
        Assert.Equal("cannot rename vif3.0 to web-nic: an interface named web-nic already exists", e.Message);
    }

    [Fact]
    public void Vifname_already_ours_is_idempotent()
    {
        var sys = new FakeSysfs().Add("web-nic", alias: "xen-vif-3.0");
        Assert.Equal(("web-nic", "web-nic"), VifPlanner.Names(Request(), Settings(vifname: "web-nic"), sys));
        var other = new FakeSysfs().Add("web-nic", alias: "xen-vif-4.0");
        Assert.Throws<HotplugException>(() => VifPlanner.Names(Request(), Settings(vifname: "web-nic"), other));
    }

    [Fact]
    public void Tap_vifname_gets_emu_suffix()
    {
        var sys = new FakeSysfs().Add("vif3.0-emu");
        Assert.Equal(("vif3.0-emu", "web-emu"), VifPlanner.Names(Request(HotplugCommand.Add, InterfaceType.Tap, "vif3.0-emu"), Settings(vifname: "web"), sys));
    }

    [Fact]
    public void Offline_detaches_from_the_bridge_it_is_really_on()
    {
        Assert.Equal(["ip link set dev vif3.0 down", "ip link set dev vif3.0 nomaster"], VifPlanner.Detach("vif3.0", "xenbr1").Operations.Select(o => o.ToString()));
        Assert.Equal(["ip link set dev vif3.0 down"], VifPlanner.Detach("vif3.0", null).Operations.Select(o => o.ToString()));
    }

    [Fact]
    public void Snapshot_restore_undoes_everything()
    {
        var snap = new LinkSnapshot("vif3.0", Up: false, Mac: "aa:bb:cc:dd:ee:ff", Mtu: 1500, Master: null, Alias: null);
        Assert.Equal([
            "ip link set dev web-nic down",
            "ip link set dev web-nic nomaster",
            "ip link set dev web-nic name vif3.0",
            "ip link set dev vif3.0 mtu 1500",
            "ip link set dev vif3.0 address aa:bb:cc:dd:ee:ff",
            "ip link set dev vif3.0 alias ",
        ], snap.Restore("web-nic").Select(o => o.ToString()));
    }
}
