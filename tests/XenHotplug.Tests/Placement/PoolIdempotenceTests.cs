using XenHotplug.Core.Placement;
using XenHotplug.Core.Request;
using XenHotplug.Tests.Support;

namespace XenHotplug.Tests.Placement;

public class PoolIdempotenceTests
{
    [Fact]
    public void A_vif_already_on_a_pool_bridge_stays_there()
    {
        var config = TestConfig.Load("[bridge:a]\n[bridge:b]\n[pool:p]\nbridges = a b\n", "f");
        var host = new FakeSysfs().Add("a", bridge: true).Add("b", bridge: true).Add("vif1.0", master: "a").Add("vif2.0", master: "a");
        var request = new HotplugRequest(HotplugCommand.Online, InterfaceType.Vif, "vif1.0", "backend/vif/1/0", 1, 0, new Dictionary<string, string>());
        var vm = new VifSettings("pool:p", null, null, null, null, null, "g", null);
        Assert.Equal("b", BridgePolicy.Decide(config, request, vm, host).Bridge);
        var kept = BridgePolicy.Decide(config, request, vm, host, new PlacementFacts("a", new Dictionary<string, long>(), null));
        Assert.Equal("a", kept.Bridge);
        Assert.Contains("already attached to a, kept there", kept.Reason, StringComparison.Ordinal);
        Assert.Null(kept.NextCursor);
        // A bridge that left the pool (or is not usable) does not hold the vif.
        Assert.Equal("b", BridgePolicy.Decide(config, request, vm, host, new PlacementFacts("elsewhere", new Dictionary<string, long>(), null)).Bridge);
    }
}
