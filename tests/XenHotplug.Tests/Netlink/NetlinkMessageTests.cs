using XenHotplug.Host.Netlink;

namespace XenHotplug.Tests.Netlink;

public class NetlinkMessageTests
{
    [Fact]
    public void A_finished_message_reads_back_through_the_datagram_and_attribute_readers()
    {
        var message = new NetlinkMessage(16, NetlinkWire.NLM_F_REQUEST | NetlinkWire.NLM_F_ACK);
        message.IfInfo(7, 1, 1);
        message.Attribute(RtnetlinkSocket.IFLA_IFNAME, "vif7.0");
        var bytes = message.Finish(42);
        Assert.Equal(message.Length, bytes.Length);
        var read = 0;
        foreach (var m in new NetlinkDatagram(bytes))
        {
            Assert.Equal((16, NetlinkWire.NLM_F_REQUEST | NetlinkWire.NLM_F_ACK, 42u), (m.Type, m.Flags, m.Sequence));
            Assert.Equal(7, BitConverter.ToInt32(m.Payload[4..8]));
            Assert.True(NetlinkAttributes.TryFind(m.Payload[16..], RtnetlinkSocket.IFLA_IFNAME, out var name));
            Assert.Equal("vif7.0", name.Text);
            read++;
        }
        Assert.Equal(1, read);
    }

    [Fact]
    public void An_acknowledged_request_is_matched_to_its_acknowledgement_by_sequence()
    {
        var message = new NetlinkMessage(16, NetlinkWire.NLM_F_REQUEST | NetlinkWire.NLM_F_ACK);
        var answers = new NetlinkAnswers(9, (message.Flags & NetlinkWire.NLM_F_ACK) != 0, _ => "");
        Assert.False(answers.Take(NetlinkBytes.Error(8, 0), null));
        Assert.True(answers.Take(NetlinkBytes.Error(9, 0), null));
    }
}
