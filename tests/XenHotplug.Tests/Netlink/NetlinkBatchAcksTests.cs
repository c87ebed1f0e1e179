using XenHotplug.Host.Native;
using XenHotplug.Host.Netlink;

namespace XenHotplug.Tests.Netlink;

public class NetlinkBatchAcksTests
{
    [Fact]
    public void A_batch_is_done_when_every_message_is_acknowledged_in_any_datagrams()
    {
        var acks = new NetlinkBatchAcks(100, 3); // BEGIN 100, messages 101-103, END 104
        Assert.False(acks.Take(NetlinkBytes.Datagram(NetlinkBytes.Error(101, 0), NetlinkBytes.Error(103, 0))));
        Assert.Equal(2, acks.Acknowledged);
        Assert.True(acks.Take(NetlinkBytes.Error(102, 0)));
        Assert.Equal((0, -1), (acks.RefusedErrno, acks.RefusedIndex));
    }

    [Fact]
    public void The_first_refusal_ends_the_batch_and_names_the_message_by_index()
    {
        var acks = new NetlinkBatchAcks(100, 3);
        Assert.True(acks.Take(NetlinkBytes.Datagram(NetlinkBytes.Error(101, 0), NetlinkBytes.Error(102, Errno.EEXIST), NetlinkBytes.Error(103, Errno.ENOENT))));
        Assert.Equal((Errno.EEXIST, 1), (acks.RefusedErrno, acks.RefusedIndex));
    }

    [Fact]
    public void A_refusal_of_the_batch_itself_names_no_message()
    {
        var acks = new NetlinkBatchAcks(100, 3);
        Assert.True(acks.Take(NetlinkBytes.Error(100, Errno.EOPNOTSUPP)));
        Assert.Equal((Errno.EOPNOTSUPP, -1), (acks.RefusedErrno, acks.RefusedIndex));
    }

    [Fact]
    public void Answers_other_than_errors_are_skipped()
    {
        var acks = new NetlinkBatchAcks(100, 1);
        Assert.False(acks.Take(NetlinkBytes.Message(0x0a00, 101, [0, 0, 0, 0])));
        Assert.True(acks.Take(NetlinkBytes.Error(101, 0)));
    }

    [Fact]
    public void A_malformed_acknowledgement_is_a_netlink_exception()
    {
        var acks = new NetlinkBatchAcks(100, 1);
        Assert.Throws<NetlinkException>(() => acks.Take(NetlinkBytes.Message(NetlinkBytes.NLMSG_ERROR, 101, [])));
        Assert.Throws<NetlinkException>(() => acks.Take(NetlinkBytes.Error(101, 0).AsSpan(0, 18)));
    }
}
