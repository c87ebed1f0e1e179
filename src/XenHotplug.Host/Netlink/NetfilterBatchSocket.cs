using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using XenHotplug.Host.Native;

namespace XenHotplug.Host.Netlink;

/// <summary>
/// A NETLINK_NETFILTER socket that sends nf_tables messages as one batch (NFNL_MSG_BATCH_BEGIN … BATCH_END):
/// the kernel applies the batch whole or not at all. Every message asks for an acknowledgement and every answer
/// is read, so a refusal names the message the kernel refused and its errno.
/// </summary>
internal sealed class NetfilterBatchSocket : IDisposable
{
    private const ushort NFNL_MSG_BATCH_BEGIN = 0x10, NFNL_MSG_BATCH_END = 0x11, NFNL_SUBSYS_NFTABLES = 10;
    private const ushort NLMSG_ERROR = 2, NLM_F_REQUEST = 1;
    private const int EOPNOTSUPP = 95, EPROTONOSUPPORT = 93;
    private const int AnswerTimeoutMs = 5000;

    private readonly int _fd;
    private readonly byte[] _receive = new byte[65536];

    public NetfilterBatchSocket()
    {
        _fd = LibC.Socket(LibC.AF_NETLINK, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, LibC.NETLINK_NETFILTER);
        if (_fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new NetlinkException(errno == EPROTONOSUPPORT
                ? "this kernel has no nfnetlink (antispoof needs nftables: CONFIG_NF_TABLES and CONFIG_NF_TABLES_BRIDGE)"
                : "cannot open a netfilter netlink socket: " + Describe(errno));
        }
    }

    /// <summary>Closes the socket without waiting for the kernel's cleanup of the transaction (see <see cref="DeferredRelease"/>).</summary>
    public void Dispose() => DeferredRelease.Close(_fd);

    /// <summary>
    /// Sends <paramref name="messages"/> (each with NLM_F_ACK, and a description for errors) as one nf_tables batch
    /// and waits for every acknowledgement; throws a <see cref="NetlinkException"/> naming the first refused message.
    /// </summary>
    public unsafe void Apply(IReadOnlyList<(NetlinkMessage Message, string What)> messages)
    {
        var begin = new NetlinkMessage(NFNL_MSG_BATCH_BEGIN, NLM_F_REQUEST);
        begin.NfGen(0, NFNL_SUBSYS_NFTABLES);
        var end = new NetlinkMessage(NFNL_MSG_BATCH_END, NLM_F_REQUEST);
        end.NfGen(0, NFNL_SUBSYS_NFTABLES);
        var all = new List<NetlinkMessage>(messages.Count + 2) { begin };
        all.AddRange(messages.Select(m => m.Message));
        all.Add(end);

        var first = (uint)Environment.TickCount & 0x3fffffff;
        var batch = new byte[all.Sum(m => (m.Length + 3) & ~3)];
        var offset = 0;
        for (var i = 0; i < all.Count; i++)
        {
            all[i].WriteTo(batch.AsSpan(offset), first + (uint)i);
            offset += (all[i].Length + 3) & ~3;
        }
        fixed (byte* p = batch)
        {
            if (LibC.Send(_fd, p, batch.Length, 0) < 0)
                throw new NetlinkException("netlink send failed: " + Describe(Marshal.GetLastPInvokeError()));
        }

        // The kernel runs the batch inside send(): every answer is queued by now; the poll only guards against a
        // kernel that answers late, and bounds the wait when it does not answer every message.
        var pending = new HashSet<uint>(Enumerable.Range(1, messages.Count).Select(i => first + (uint)i));
        string? refused = null;
        int refusedErrno = 0, refusedIndex = -1;
        while (pending.Count > 0 && refused is null)
        {
            var n = Receive();
            if (n < 0)
                throw new NetlinkException(string.Create(CultureInfo.InvariantCulture, $"the kernel acknowledged {messages.Count - pending.Count} of {messages.Count} nf_tables messages"));
            for (var at = 0; at + 16 <= n;)
            {
                var span = _receive.AsSpan(at, (int)n - at);
                var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(span);
                if (length < 16 || length > span.Length) throw new NetlinkException("malformed netlink reply");
                var type = BinaryPrimitives.ReadUInt16LittleEndian(span[4..]);
                var seq = BinaryPrimitives.ReadUInt32LittleEndian(span[8..]);
                at += (length + 3) & ~3;
                if (type != NLMSG_ERROR || length < 20) continue;
                var error = -BinaryPrimitives.ReadInt32LittleEndian(span[16..]);
                pending.Remove(seq);
                if (error == 0) continue;
                var index = (int)(seq - first);
                if (refused is null)
                {
                    refusedErrno = error;
                    refusedIndex = index >= 1 && index <= messages.Count ? index - 1 : -1;
                }
                refused ??= index >= 1 && index <= messages.Count
                    ? $"{messages[index - 1].What}: {Describe(error)}"
                    : error == EOPNOTSUPP
                        ? "this kernel has no nf_tables (antispoof needs nftables: CONFIG_NF_TABLES and CONFIG_NF_TABLES_BRIDGE)"
                        : "the kernel refused the nf_tables batch: " + Describe(error);
            }
        }
        if (refused is not null) throw new NetlinkException(refused) { Errno = refusedErrno, FailedMessage = refusedIndex };
    }

    /// <summary>
    /// Sends one request (a get, or with NLM_F_DUMP a dump) and returns the payload of every answer (after the
    /// netlink header), or throws a <see cref="NetlinkException"/> with the errno, e.g. ENOENT when the object does not exist.
    /// </summary>
    public unsafe List<byte[]> Query(NetlinkMessage request, bool dump)
    {
        const ushort NLMSG_DONE = 3;
        var seq = ((uint)Environment.TickCount & 0x3fffffff) | 0x40000000;
        var bytes = request.Finish(seq);
        fixed (byte* p = bytes)
        {
            if (LibC.Send(_fd, p, bytes.Length, 0) < 0)
                throw new NetlinkException("netlink send failed: " + Describe(Marshal.GetLastPInvokeError()));
        }
        var answers = new List<byte[]>();
        while (true)
        {
            var n = Receive();
            if (n < 0) throw new NetlinkException("the kernel did not answer an nf_tables request");
            for (var at = 0; at + 16 <= n;)
            {
                var span = _receive.AsSpan(at, (int)n - at);
                var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(span);
                if (length < 16 || length > span.Length) throw new NetlinkException("malformed netlink reply");
                var type = BinaryPrimitives.ReadUInt16LittleEndian(span[4..]);
                var answerSeq = BinaryPrimitives.ReadUInt32LittleEndian(span[8..]);
                at += (length + 3) & ~3;
                if (answerSeq != seq) continue;
                if (type == NLMSG_DONE) return answers;
                if (type == NLMSG_ERROR)
                {
                    var error = length >= 20 ? -BinaryPrimitives.ReadInt32LittleEndian(span[16..]) : 0;
                    if (error != 0) throw new NetlinkException(Describe(error)) { Errno = error };
                    return answers;
                }
                answers.Add(span[16..length].ToArray());
                if (!dump) return answers;
            }
        }
    }

    /// <summary>strerror and the errno: "File exists (errno 17)".</summary>
    public static string Describe(int errno) =>
        string.Create(CultureInfo.InvariantCulture, $"{Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
    /// <summary>One datagram into the receive buffer: its length, or -1 when the kernel sent nothing within <see cref="AnswerTimeoutMs"/>.</summary>
    private unsafe nint Receive()
    {
        while (true)
        {
            nint n;
            fixed (byte* p = _receive)
            {
                n = LibC.Receive(_fd, p, _receive.Length, LibC.MSG_DONTWAIT);
            }
            if (n >= 0) return n;
            var errno = Marshal.GetLastPInvokeError();
            if (errno == LibC.EINTR) continue;
            if (errno != LibC.EAGAIN) throw new NetlinkException("netlink receive failed: " + Describe(errno));
            var poll = new LibC.PollFd { Fd = _fd, Events = LibC.POLLIN };
            if (LibC.Poll(ref poll, 1, AnswerTimeoutMs) == 0) return -1;
        }
    }
}
