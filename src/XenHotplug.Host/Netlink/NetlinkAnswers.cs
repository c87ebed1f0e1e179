namespace XenHotplug.Host.Netlink;

/// <summary>
/// Picks the answers to one request out of received datagrams by its sequence number, and knows when the request is
/// done: at NLMSG_DONE (the end of a dump), at NLMSG_ERROR (an acknowledgement, or a refusal: thrown as a
/// <see cref="NetlinkException"/> carrying the errno), or after a single answer when no acknowledgement was asked
/// for. Messages of other sequence numbers (a late answer to an earlier request) are skipped. No socket: the
/// datagrams are given, so the matching is tested on bytes.
/// </summary>
internal sealed class NetlinkAnswers(uint sequence, bool acknowledged, Func<int, string> describe)
{
    /// <summary>Receives one answer: its message type and payload (valid only during the call).</summary>
    public delegate void Handler(ushort type, ReadOnlySpan<byte> payload);

    public uint Sequence => sequence;

    /// <summary>True once the request is done; later datagrams are not read.</summary>
    public bool Complete { get; private set; }

    /// <summary>Takes one datagram; returns <see cref="Complete"/>.</summary>
    public bool Take(ReadOnlySpan<byte> datagram, Handler? onAnswer)
    {
        foreach (var message in new NetlinkDatagram(datagram))
        {
            if (Complete) break;
            if (message.Sequence != sequence) continue;
            switch (message.Type)
            {
                case NetlinkWire.NLMSG_DONE:
                    Complete = true;
                    break;
                case NetlinkWire.NLMSG_ERROR:
                    var errno = message.ErrorCode;
                    Complete = true;
                    if (errno != 0) throw new NetlinkException(errno, describe(errno));
                    break;
                case NetlinkWire.NLMSG_NOOP:
                case NetlinkWire.NLMSG_OVERRUN:
                    break;
                default:
                    onAnswer?.Invoke(message.Type, message.Payload);
                    if (!acknowledged && !message.IsMultipart) Complete = true; // a single answer, and no ack coming
                    break;
            }
        }
        return Complete;
    }
}
