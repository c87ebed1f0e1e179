using XenHotplug.Core.Balancing;

namespace XenHotplug.Tests.Balancing;

public class VlanCopyTests
{
    private static readonly PortVlan Default = new(1, Pvid: true, Untagged: true);

    [Fact]
    public void An_access_port_gets_its_vlan_and_loses_the_default()
    {
        var plan = VlanCopy.For([new(10, true, true)], [Default]);
        Assert.Equal([new PortVlan(10, true, true)], plan.Add);
        Assert.Equal([Default], plan.Delete);
    }

    [Fact]
    public void A_trunk_keeps_every_tagged_vlan_and_its_native_one()
    {
        List<PortVlan> old = [new(20, false, false), new(1, true, true), new(30, false, false)];
        var plan = VlanCopy.For(old, [Default]);
        Assert.Equal([new PortVlan(20, false, false), new PortVlan(30, false, false)], plan.Add);
        Assert.Empty(plan.Delete);
    }

    [Fact]
    public void The_pvid_is_added_first_and_changed_flags_are_rewritten()
    {
        List<PortVlan> old = [new(5, false, false), new(1, false, false), new(7, true, false)];
        var plan = VlanCopy.For(old, [Default, new(5, false, false)]);
        Assert.Equal([new PortVlan(7, true, false), new PortVlan(1, false, false)], plan.Add);
        Assert.Empty(plan.Delete);
    }

    [Fact]
    public void Same_vlans_need_nothing_and_no_vlans_means_none()
    {
        Assert.True(VlanCopy.For([Default], [Default]).IsEmpty);
        var none = VlanCopy.For([], [Default]);
        Assert.Empty(none.Add);
        Assert.Equal([Default], none.Delete);
    }

    [Fact]
    public void Kernel_flags_round_trip()
    {
        Assert.Equal(new PortVlan(10, true, true), PortVlan.FromKernel(6, 10));
        Assert.Equal(4, new PortVlan(3, false, true).Flags);
        Assert.Equal(new PortVlan(3, false, false), PortVlan.FromKernel(1, 3)); // BRIDGE_VLAN_INFO_MASTER is not the port's
    }
}
