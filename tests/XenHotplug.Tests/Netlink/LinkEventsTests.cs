using System.Buffers.Binary;
using System.Text;
using XenHotplug.Host.Netlink;

namespace XenHotplug.Tests.Netlink;

public class LinkEventsTests
{
    private static byte[] LinkMessage(ushort type, string name)
    {
        var attribute = new NetlinkAttributeWriter();
        attribute.Attribute(3, name); // IFLA_IFNAME
        return NetlinkBytes.Message(type, 0, [.. new byte[16], .. attribute.ToArray()]);
    }

    [Fact]
    public void Link_events_name_the_links_that_changed()
    {
        var batch = NetlinkBytes.Datagram(LinkMessage(16, "eth0"), LinkMessage(17, "vif3.0"), LinkMessage(20, "addr"));
        var changed = new HashSet<string>();
        LinkEvents.Parse(batch, changed);
        Assert.Equal(new HashSet<string> { "eth0", "vif3.0" }, changed);
    }

    [Fact]
    public void A_link_message_too_short_for_its_ifinfomsg_is_skipped()
    {
        var changed = new HashSet<string>();
        LinkEvents.Parse(NetlinkBytes.Message(16, 0, new byte[12]), changed);
        Assert.Empty(changed);
    }

    [Fact]
    public void A_truncated_batch_is_a_netlink_exception_after_the_links_before_it()
    {
        var batch = NetlinkBytes.Datagram(LinkMessage(16, "eth0"), LinkMessage(16, "eth1"));
        var changed = new HashSet<string>();
        Assert.Throws<NetlinkException>(() => LinkEvents.Parse(batch.AsSpan(0, batch.Length - 3), changed));
        Assert.Equal(["eth0"], changed);
    }

    [Fact]
    public void A_malformed_attribute_in_a_link_message_is_a_netlink_exception()
    {
        var payload = new byte[16 + 8];
        BinaryPrimitives.WriteUInt16LittleEndian(payload.AsSpan(16), 40); // claims 40 bytes of 8
        BinaryPrimitives.WriteUInt16LittleEndian(payload.AsSpan(18), 3);
        Encoding.ASCII.GetBytes("eth").CopyTo(payload, 20);
        Assert.Throws<NetlinkException>(() => LinkEvents.Parse(NetlinkBytes.Message(16, 0, payload), new HashSet<string>()));
    }
}
