using XenHotplug.Host.Netlink;

namespace XenHotplug.Tests.Netlink;

public class NetlinkDatagramTests
{
    private static List<(ushort Type, ushort Flags, uint Sequence, int PayloadLength)> Read(byte[] datagram)
    {
        var result = new List<(ushort, ushort, uint, int)>();
        foreach (var m in new NetlinkDatagram(datagram)) result.Add((m.Type, m.Flags, m.Sequence, m.Payload.Length));
        return result;
    }

    [Fact]
    public void The_messages_of_a_datagram_are_read_in_order_each_past_its_padding()
    {
        var datagram = NetlinkBytes.Datagram(
            NetlinkBytes.Message(16, 7, [1, 2, 3, 4, 5], NetlinkBytes.NLM_F_MULTI),
            NetlinkBytes.Done(7));
        Assert.Equal([(16, 2, 7u, 5), (3, 2, 7u, 4)], Read(datagram));
    }

    [Fact]
    public void An_error_message_gives_its_errno_and_an_acknowledgement_zero()
    {
        foreach (var m in new NetlinkDatagram(NetlinkBytes.Error(1, 19))) Assert.Equal(19, m.ErrorCode);
        foreach (var m in new NetlinkDatagram(NetlinkBytes.Error(1, 0))) Assert.Equal(0, m.ErrorCode);
    }

    [Theory]
    [InlineData(new byte[] { 1, 2, 3 })] // shorter than a header
    [InlineData(new byte[] { 15, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 })] // length below the header's
    [InlineData(new byte[] { 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 })] // length 0
    [InlineData(new byte[] { 32, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 })] // past the end
    [InlineData(new byte[] { 0xff, 0xff, 0xff, 0xff, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 })] // 4 GiB
    public void A_malformed_datagram_is_a_netlink_exception(byte[] datagram)
    {
        var e = Assert.Throws<NetlinkException>(() => Read(datagram));
        Assert.StartsWith("malformed netlink message", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_message_cut_short_after_a_good_one_is_a_netlink_exception()
    {
        var datagram = NetlinkBytes.Datagram(NetlinkBytes.Done(1), NetlinkBytes.Done(2));
        Assert.Throws<NetlinkException>(() => Read(datagram[..30]));
    }

    [Theory]
    [InlineData(new byte[] { })] // no code at all
    [InlineData(new byte[] { 1, 0, 0 })] // three bytes of four
    [InlineData(new byte[] { 5, 0, 0, 0 })] // positive: no errno is
    [InlineData(new byte[] { 0, 0, 0, 0x80 })] // int.MinValue: beyond MAX_ERRNO
    public void A_malformed_error_code_is_a_netlink_exception(byte[] payload)
    {
        var datagram = NetlinkBytes.Message(NetlinkBytes.NLMSG_ERROR, 1, payload);
        Assert.Throws<NetlinkException>(() =>
        {
            foreach (var m in new NetlinkDatagram(datagram)) _ = m.ErrorCode;
        });
    }

    [Fact]
    public void Random_bytes_give_messages_or_a_netlink_exception_and_nothing_else()
    {
        var random = new Random(17);
        for (var i = 0; i < 20000; i++)
        {
            var bytes = new byte[random.Next(0, 80)];
            random.NextBytes(bytes);
            if (bytes.Length >= 4 && random.Next(2) == 0) bytes[1] = bytes[2] = bytes[3] = 0; // short lengths, so that some parse
            try
            {
                foreach (var m in new NetlinkDatagram(bytes))
                {
                    if (m.Type == NetlinkBytes.NLMSG_ERROR) _ = m.ErrorCode;
                }
            }
            catch (NetlinkException)
            {
                // the one failure allowed
            }
        }
    }
}
