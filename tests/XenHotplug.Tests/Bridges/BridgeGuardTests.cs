using XenHotplug.Core.Bridges;
using XenHotplug.Core.Failures;
using XenHotplug.Core.Network;

namespace XenHotplug.Tests.Bridges;

/// <summary>network-multibridge's share of the identity guard: an INI naming dom0's loopback or a guest's vif is refused before anything changes.</summary>
public class BridgeGuardTests
{
    private const string Links = """
        [{"ifindex":1,"ifname":"lo","flags":["LOOPBACK","UP","LOWER_UP"],"mtu":65536,"address":"00:00:00:00:00:00"},
         {"ifindex":2,"ifname":"eth0","flags":["BROADCAST","UP"],"mtu":1500,"address":"d2:80:48:97:fd:13","linkinfo":{"info_kind":"veth"}},
         {"ifindex":3,"ifname":"vif3.0","flags":["BROADCAST"],"mtu":1500,"address":"fe:ff:ff:ff:ff:ff","linkinfo":{"info_kind":"veth"}},
         {"ifindex":4,"ifname":"web4","ifalias":"xen-vif-4.0","flags":["BROADCAST"],"mtu":1500,"address":"fe:ff:ff:ff:ff:ff","linkinfo":{"info_kind":"veth"}}]
        """;

    private static NetState State() => NetState.Parse(Links, "[]", "[]");

    [Theory]
    [InlineData("lo", "bridge xenbr0: uplink lo is dom0's loopback; refusing to touch it")]
    [InlineData("vif3.0", "bridge xenbr0: uplink vif3.0 is a guest's vif; refusing to touch it")]
    [InlineData("vif9.1-emu", "bridge xenbr0: uplink vif9.1-emu is a guest's vif; refusing to touch it")]
    [InlineData("web4", "bridge xenbr0: uplink web4 is a guest's vif; refusing to touch it")]
    public void Uplinks_that_are_not_host_nics_are_refused(string uplink, string expected)
    {
        var e = Assert.Throws<BridgeException>(() => BridgePlanner.CheckStart(State(), new BridgeSpec("xenbr0", "xenbr0", uplink, uplink, null)));
        Assert.Equal(expected, e.Message);
    }

    [Theory]
    [InlineData("lo", "bridge lo: bridge lo is dom0's loopback; refusing to touch it")]
    [InlineData("vif3.0", "bridge vif3.0: bridge vif3.0 is a guest's vif; refusing to touch it")]
    public void Bridge_names_that_are_not_ours_are_refused(string name, string expected)
    {
        var e = Assert.Throws<BridgeException>(() => BridgePlanner.CheckStart(State(), new BridgeSpec(name, name, null, null, null)));
        Assert.Equal(expected, e.Message);
    }

    [Fact]
    public void A_host_nic_is_accepted()
    {
        BridgePlanner.CheckStart(State(), new BridgeSpec("xenbr0", "xenbr0", "eth0", "eth0", null));
        Assert.Contains("web4", State().GuestMarks);
    }
}
