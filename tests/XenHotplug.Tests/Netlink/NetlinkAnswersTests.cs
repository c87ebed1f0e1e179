using XenHotplug.Host.Native;
using XenHotplug.Host.Netlink;

namespace XenHotplug.Tests.Netlink;

public class NetlinkAnswersTests
{
    private static string Describe(int errno) => "errno " + errno;

    [Fact]
    public void A_dump_collects_every_part_of_its_sequence_until_done()
    {
        var answers = new NetlinkAnswers(7, acknowledged: false, Describe);
        var seen = new List<ushort>();
        Assert.False(answers.Take(NetlinkBytes.Datagram(
            NetlinkBytes.Message(20, 7, [1], NetlinkBytes.NLM_F_MULTI),
            NetlinkBytes.Message(21, 7, [2], NetlinkBytes.NLM_F_MULTI)), (type, _) => seen.Add(type)));
        Assert.True(answers.Take(NetlinkBytes.Datagram(
            NetlinkBytes.Message(22, 7, [3], NetlinkBytes.NLM_F_MULTI),
            NetlinkBytes.Done(7),
            NetlinkBytes.Message(23, 7, [4], NetlinkBytes.NLM_F_MULTI)), (type, _) => seen.Add(type)));
        Assert.Equal([20, 21, 22], seen); // nothing after the end is read
    }

    [Fact]
    public void Answers_to_another_sequence_are_skipped()
    {
        var answers = new NetlinkAnswers(7, acknowledged: true, Describe);
        var seen = new List<ushort>();
        Assert.False(answers.Take(NetlinkBytes.Datagram(NetlinkBytes.Error(6, Errno.ENODEV), NetlinkBytes.Message(16, 6, [1])), (type, _) => seen.Add(type)));
        Assert.True(answers.Take(NetlinkBytes.Error(7, 0), (type, _) => seen.Add(type)));
        Assert.Empty(seen);
    }

    [Fact]
    public void A_single_answer_ends_a_request_that_asked_for_no_acknowledgement()
    {
        var answers = new NetlinkAnswers(3, acknowledged: false, Describe);
        var payloads = new List<byte[]>();
        Assert.True(answers.Take(NetlinkBytes.Message(16, 3, [9, 9, 9, 9]), (_, payload) => payloads.Add(payload.ToArray())));
        Assert.Equal([9, 9, 9, 9], payloads.Single());
    }

    [Fact]
    public void A_request_that_asked_for_an_acknowledgement_waits_for_it_past_an_answer()
    {
        var answers = new NetlinkAnswers(3, acknowledged: true, Describe);
        Assert.False(answers.Take(NetlinkBytes.Message(16, 3, [9, 9, 9, 9]), null));
        Assert.True(answers.Take(NetlinkBytes.Error(3, 0), null));
        Assert.True(answers.Complete);
    }

    [Fact]
    public void A_refusal_is_a_netlink_exception_with_its_errno_name_and_the_sockets_wording()
    {
        var answers = new NetlinkAnswers(3, acknowledged: true, Describe);
        var e = Assert.Throws<NetlinkException>(() => answers.Take(NetlinkBytes.Error(3, Errno.ENODEV), null));
        Assert.Equal((Errno.ENODEV, "ENODEV", "errno 19"), (e.Errno, e.ErrorName, e.Message));
        Assert.True(answers.Complete);
    }

    [Fact]
    public void A_malformed_answer_to_the_request_is_a_netlink_exception()
    {
        var answers = new NetlinkAnswers(3, acknowledged: true, Describe);
        var e = Assert.Throws<NetlinkException>(() => answers.Take(NetlinkBytes.Message(NetlinkBytes.NLMSG_ERROR, 3, [1, 0]), null));
        Assert.Equal(0, e.Errno);
    }

    [Fact]
    public void Random_datagrams_end_a_request_or_raise_a_netlink_exception_and_nothing_else()
    {
        var random = new Random(17);
        for (var i = 0; i < 20000; i++)
        {
            var bytes = new byte[random.Next(0, 80)];
            random.NextBytes(bytes);
            if (bytes.Length >= 16 && random.Next(2) == 0)
            {
                bytes[0] = (byte)Math.Min(bytes.Length, 16 + random.Next(0, 8));
                bytes[1] = bytes[2] = bytes[3] = 0;
                bytes[4] = (byte)random.Next(1, 4); // NOOP, ERROR, DONE
                bytes[5] = 0;
                bytes[8] = 1;
                bytes[9] = bytes[10] = bytes[11] = 0;
            }
            try
            {
                new NetlinkAnswers(1, random.Next(2) == 0, Describe).Take(bytes, static (_, _) => { });
            }
            catch (NetlinkException)
            {
                // the one failure allowed
            }
        }
    }
}
