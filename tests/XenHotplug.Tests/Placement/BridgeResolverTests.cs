using XenHotplug.Core.Failures;
using XenHotplug.Core.Placement;
using XenHotplug.Tests.Support;

namespace XenHotplug.Tests.Placement;

public class BridgeResolverTests
{
    [Fact]
    public void Uses_the_named_bridge()
    {
        var sys = new FakeSysfs().Add("xenbr0", bridge: true).Add("xenbr1", bridge: true);
        Assert.Equal("xenbr1", BridgeResolver.Resolve("xenbr1", sys, "b"));
    }

    [Fact]
    public void Translates_old_style_xenbr_to_eth_when_eth_is_the_bridge()
    {
        var sys = new FakeSysfs().Add("eth1", bridge: true).Add("peth1");
        Assert.Equal("eth1", BridgeResolver.Resolve("xenbr1", sys, "b"));
    }

    [Fact]
    public void No_bridge_named_means_the_first_bridge()
    {
        var sys = new FakeSysfs().Add("eth0").Add("xenbr3", bridge: true).Add("xenbr7", bridge: true);
        Assert.Equal("xenbr3", BridgeResolver.Resolve(null, sys, "b"));
        Assert.Contains("could not find a bridge", Assert.Throws<HotplugException>(() => BridgeResolver.Resolve(null, new FakeSysfs().Add("eth0"), "b")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_or_non_bridge_is_an_error()
    {
        var sys = new FakeSysfs().Add("eth0");
        Assert.Contains("bridge xenbr9 does not exist (named in backend/vif/1/0/bridge)",
            Assert.Throws<HotplugException>(() => BridgeResolver.Resolve("xenbr9", sys, "backend/vif/1/0/bridge")).Message, StringComparison.Ordinal);
        Assert.Contains("eth0 (named in b) is not a bridge", Assert.Throws<HotplugException>(() => BridgeResolver.Resolve("eth0", sys, "b")).Message, StringComparison.Ordinal);
        Assert.Contains("starts with '-'", Assert.Throws<HotplugException>(() => BridgeResolver.Resolve("-br", sys, "b")).Message, StringComparison.Ordinal);
    }
}
