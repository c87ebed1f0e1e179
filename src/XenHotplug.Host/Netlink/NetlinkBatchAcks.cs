namespace XenHotplug.Host.Netlink;

/// <summary>
/// The acknowledgements of an nf_tables batch: BATCH_BEGIN has sequence <c>first</c>, the <c>count</c> messages
/// first+1…first+count (each sent with NLM_F_ACK), BATCH_END first+count+1. Done when every message is acknowledged
/// or at the first refusal, which names the message by its index (-1 when the kernel refused something else, such as
/// the batch itself). No socket: the datagrams are given, so the matching is tested on bytes.
/// </summary>
internal sealed class NetlinkBatchAcks(uint first, int count)
{
    private readonly HashSet<uint> _pending = [.. Enumerable.Range(1, count).Select(i => first + (uint)i)];

    /// <summary>How many of the messages the kernel acknowledged so far.</summary>
    public int Acknowledged => count - _pending.Count;

    /// <summary>The errno of the first refusal (0: none so far).</summary>
    public int RefusedErrno { get; private set; }

    /// <summary>The index (0…count-1) of the refused message, or -1 when the refusal was not of one of them (or there is none).</summary>
    public int RefusedIndex { get; private set; } = -1;

    public bool Complete => _pending.Count == 0 || RefusedErrno != 0;

    /// <summary>Takes one datagram; returns <see cref="Complete"/>.</summary>
    public bool Take(ReadOnlySpan<byte> datagram)
    {
        foreach (var message in new NetlinkDatagram(datagram))
        {
            if (Complete) break;
            if (message.Type != NetlinkWire.NLMSG_ERROR) continue;
            var errno = message.ErrorCode;
            _pending.Remove(message.Sequence);
            if (errno == 0) continue;
            var index = (long)message.Sequence - first;
            RefusedErrno = errno;
            RefusedIndex = index >= 1 && index <= count ? (int)index - 1 : -1;
        }
        return Complete;
    }
}
