using XenHotplug.Host.Firewall;
using XenHotplug.Host.Native;
using XenHotplug.Host.Netlink;
using XenHotplug.TestSupport;

namespace XenHotplug.IntegrationTests.Netlink;

/// <summary>
/// The one netlink transport against a real kernel, in a namespace of its own (a bridge, a veth pair on it): the
/// kernel's refusals arrive as their errno, dumps end, changes are acknowledged, link events arrive. The test
/// process's thread enters the namespace; nothing of the root namespace is read or changed.
/// </summary>
public sealed class NetlinkTransportTests : IDisposable
{
    private readonly Netns _ns = Netns.Create(Netns.UniquePrefix() + "nl");

    public NetlinkTransportTests()
    {
        _ns.Ip("link", "add", "br0", "type", "bridge");
        _ns.Ip("link", "add", "v0", "type", "veth", "peer", "name", "v1");
        _ns.Ip("link", "set", "v0", "master", "br0");
    }

    public void Dispose() => _ns.Dispose();

    [Fact]
    public void A_missing_link_is_ENODEV_with_iproute2_s_words()
    {
        var e = Assert.Throws<NetlinkException>(() => InsideNetns.Run(_ns, () =>
        {
            using var rtnl = new RtnetlinkSocket();
            return rtnl.IndexOf("nosuch0");
        }));
        Assert.Equal((Errno.ENODEV, "ENODEV", "Cannot find device \"nosuch0\""), (e.Errno, e.ErrorName, e.Message));
    }

    [Fact]
    public void Links_are_found_changed_and_their_addresses_listed_and_flushed()
    {
        var (index, before) = InsideNetns.Run(_ns, () =>
        {
            using var rtnl = new RtnetlinkSocket(() => TimeSpan.FromSeconds(10));
            var index = rtnl.IndexOf("v1");
            rtnl.SetUp(index, up: true);
            rtnl.SetAttribute(index, RtnetlinkSocket.IFLA_MTU, BitConverter.GetBytes(1400u));
            return (index, rtnl.HoldsAddresses(index));
        });
        Assert.True(index > 0);
        Assert.False(before);
        Assert.Equal("1400", _ns.ReadSys("v1", "mtu"));
        Assert.Contains("UP", _ns.Ip("link", "show", "v1"), StringComparison.Ordinal);
        _ns.Ip("address", "add", "10.9.0.1/24", "dev", "v1");
        _ns.Ip("address", "add", "10.9.0.2/24", "dev", "v1"); // a secondary: gone with its primary (EADDRNOTAVAIL)
        var (holding, after) = InsideNetns.Run(_ns, () =>
        {
            using var rtnl = new RtnetlinkSocket();
            var holds = rtnl.HoldsAddresses(index);
            rtnl.FlushAddresses(index);
            return (holds, rtnl.HoldsAddresses(index));
        });
        Assert.True(holding);
        Assert.False(after);
        Assert.DoesNotContain("inet ", _ns.Ip("address", "show", "dev", "v1"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_bridge_entry_that_was_never_learnt_is_ENOENT_and_forgetting_it_says_false()
    {
        var forgot = InsideNetns.Run(_ns, () =>
        {
            using var rtnl = new RtnetlinkSocket();
            return rtnl.ForgetBridgeAddress(rtnl.IndexOf("v0"), [0x00, 0x16, 0x3e, 0x7f, 0x7f, 0x7f]);
        });
        Assert.False(forgot);
    }

    [Fact]
    public void A_change_the_kernel_refuses_carries_its_errno()
    {
        var e = Assert.Throws<NetlinkException>(() => InsideNetns.Run(_ns, () =>
        {
            using var rtnl = new RtnetlinkSocket();
            rtnl.SetAttribute(rtnl.IndexOf("v1"), RtnetlinkSocket.IFLA_MASTER, BitConverter.GetBytes(int.MaxValue)); // no such master
        }));
        Assert.NotEqual(0, e.Errno);
        Assert.Equal(Errno.Name(e.Errno), e.ErrorName);
    }

    [Fact]
    public void With_no_table_the_nf_tables_queries_answer_ENOENT_as_nothing()
    {
        var (dormant, map, elements) = InsideNetns.Run(_ns, () => (NftablesClient.TableIsDormant(), NftablesClient.MapExists(), NftablesClient.GuardedElements()));
        Assert.Null(dormant);
        Assert.False(map);
        Assert.Empty(elements);
    }

    [Fact]
    public void A_link_change_arrives_as_a_link_event_naming_the_link()
    {
        var changed = InsideNetns.Run(_ns, () =>
        {
            using var events = new LinkEvents();
            _ns.Ip("link", "set", "v1", "up");
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var end = Environment.TickCount64 + 10_000;
            while (!seen.Contains("v1") && Environment.TickCount64 < end) seen.UnionWith(events.Wait(TimeSpan.FromSeconds(1)));
            return seen;
        });
        Assert.Contains("v1", changed);
    }
}
