using XenHotplug.Core.Network;
using XenHotplug.Tests.Support;

namespace XenHotplug.Tests.Network;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class NetStateTests
{
    [Fact]
    public void Parse_reads_links_addresses_and_routes()
    {
        var state = NetworkFixtures.Unbridged();
        var eth0 = state.ByName("eth0")!;
        Assert.Equal(2, eth0.Index);
        Assert.Equal("veth", eth0.Kind);
        Assert.True(eth0.Up);
        Assert.Equal("d2:80:48:97:fd:13", eth0.Mac);
        Assert.Equal(["10.77.0.2/24", "10.77.0.3/24", "fd77::2/64"], eth0.MovableAddresses.Select(a => a.Cidr));
        Assert.Equal(":1", eth0.Addresses[1].LabelSuffix);
        Assert.Equal("10.77.0.255", eth0.Addresses[0].Broadcast);
        Assert.Equal(6, eth0.Routes.Count);
        Assert.Equal(["default", "10.99.0.0/16", "default"], eth0.MovableRoutes.Select(r => r.Dst));
        Assert.Empty(state.ByName("lo")!.MovableAddresses);
    }

    [Fact]
    public void Routes_add_and_delete_specs()
    {
        var routes = NetworkFixtures.Unbridged().ByName("eth0")!.MovableRoutes.ToList();
        Assert.Equal(["0.0.0.0/0", "via", "10.77.0.1"], routes[0].AddSpec);
        Assert.Equal(["10.99.0.0/16", "via", "10.77.0.1", "proto", "static", "metric", "50"], routes[1].AddSpec);
        Assert.Equal(["::/0", "via", "fd77::1", "metric", "1024"], routes[2].AddSpec);
        Assert.Equal(["::/0", "via", "fd77::1", "metric", "1024"], routes[2].DeleteSpec);
        Assert.Equal(["0.0.0.0/0", "via", "10.77.0.1", "metric", "0"], routes[0].DeleteSpec);
        Assert.True(routes[2].SameAs(new IpRoute("inet6", "::/0", "fd77::1")));
    }

    [Fact]
    public void Addresses_add_extras()
    {
        var eth0 = NetworkFixtures.Unbridged().ByName("eth0")!;
        Assert.Equal(["broadcast", "10.77.0.255"], eth0.Addresses[0].AddExtra("xenbr0"));
        Assert.Equal(["label", "xenbr0:1"], eth0.Addresses[1].AddExtra("xenbr0"));
        Assert.Equal(["nodad"], (eth0.Addresses[2] with { NoDad = true }).AddExtra("xenbr0"));
        Assert.Equal(["valid_lft", "300", "preferred_lft", "100"], new IpAddress("inet6", "2001:db8::1", 64, ValidLft: 300, PreferredLft: 100).AddExtra("x"));
    }

    [Fact]
    public void Parse_empty_output()
    {
        Assert.Empty(NetState.Parse("", "[]", "").Links);
    }
}
