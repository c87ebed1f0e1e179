using XenHotplug.Core.Configuration;
using XenHotplug.Core.Placement;
using XenHotplug.Core.Request;
using XenHotplug.Tests.Support;

namespace XenHotplug.Tests.Placement;

public class LegacyNamingPolicyTests
{
    private static readonly HotplugRequest Request = new(HotplugCommand.Online, InterfaceType.Vif, "vif3.0", "backend/vif/3/0", 3, 0, new Dictionary<string, string>());

    private static MultibridgeConfig Config() => TestConfig.Load("[network]\nnaming = legacy\n" + TestConfig.TwoBridgePool, "f");

    private static FakeSysfs LegacyHost() => new FakeSysfs()
        .Add("eth0", bridge: true).Add("peth0", master: "eth0")
        .Add("eth1", bridge: true).Add("peth1", master: "eth1")
        .Add("vif1.0", master: "eth0");

    [Fact]
    public void Pools_choose_among_the_real_bridge_names_and_count_no_uplink()
    {
        var d = BridgePolicy.Decide(Config(), Request, new VifSettings("pool:p", null, null, null, null, null, "g", null), LegacyHost());
        Assert.Equal("eth1", d.Bridge);
        Assert.Equal(["eth0", "eth1"], d.Candidates.Select(c => c.Name));
        Assert.Equal([1, 0], d.Candidates.Select(c => c.Load));
        Assert.All(d.Candidates, c => Assert.True(c.Healthy, c.Health));
    }

    [Fact]
    public void An_explicit_declared_name_maps_to_its_bridge()
    {
        var d = BridgePolicy.Decide(Config(), Request, new VifSettings("xenbr1", null, null, null, null, null, "g", null), LegacyHost());
        Assert.Equal("eth1", d.Bridge);
    }
}
