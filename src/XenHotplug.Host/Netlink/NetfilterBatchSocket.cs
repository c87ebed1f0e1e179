using System.Globalization;
using System.Runtime.InteropServices;
using XenHotplug.Host.Native;

namespace XenHotplug.Host.Netlink;

/// <summary>
/// A NETLINK_NETFILTER socket that sends nf_tables messages as one batch (NFNL_MSG_BATCH_BEGIN … BATCH_END):
/// the kernel applies the batch whole or not at all. Every message asks for an acknowledgement and every answer
/// is read (<see cref="NetlinkBatchAcks"/>), so a refusal names the message the kernel refused and its errno.
/// The transport is <see cref="NetlinkSocket"/>.
/// </summary>
internal sealed class NetfilterBatchSocket : IDisposable
{
    private const ushort NFNL_MSG_BATCH_BEGIN = 0x10, NFNL_MSG_BATCH_END = 0x11, NFNL_SUBSYS_NFTABLES = 10;
    private const string NoNfTables = "(antispoof needs nftables: CONFIG_NF_TABLES and CONFIG_NF_TABLES_BRIDGE)";

    private readonly NetlinkSocket _socket;

    public NetfilterBatchSocket()
    {
        try
        {
            _socket = NetlinkSocket.Open(LibC.NETLINK_NETFILTER);
        }
        catch (NetlinkException e) when (e.Errno == Errno.EPROTONOSUPPORT)
        {
            throw new NetlinkException(e.Errno, "this kernel has no nfnetlink " + NoNfTables);
        }
        catch (NetlinkException e)
        {
            throw new NetlinkException(e.Errno, "cannot open a netfilter netlink socket: " + Describe(e.Errno));
        }
        _socket.Describe = Describe;
        _socket.Release = DeferredRelease.Close;
    }

    /// <summary>Closes the socket without waiting for the kernel's cleanup of the transaction (see <see cref="DeferredRelease"/>).</summary>
    public void Dispose() => _socket.Dispose();

    /// <summary>
    /// Sends <paramref name="messages"/> (each with NLM_F_ACK, and a description for errors) as one nf_tables batch
    /// and waits for every acknowledgement; throws a <see cref="NetlinkException"/> naming the first refused message.
    /// </summary>
    public void Apply(IReadOnlyList<(NetlinkMessage Message, string What)> messages)
    {
        var begin = new NetlinkMessage(NFNL_MSG_BATCH_BEGIN, NetlinkWire.NLM_F_REQUEST);
        begin.NfGen(0, NFNL_SUBSYS_NFTABLES);
        var end = new NetlinkMessage(NFNL_MSG_BATCH_END, NetlinkWire.NLM_F_REQUEST);
        end.NfGen(0, NFNL_SUBSYS_NFTABLES);
        var all = new List<NetlinkMessage>(messages.Count + 2) { begin };
        all.AddRange(messages.Select(m => m.Message));
        all.Add(end);

        var first = _socket.NextSequence(all.Count);
        var batch = new byte[all.Sum(m => NetlinkWire.Align(m.Length))];
        var offset = 0;
        for (var i = 0; i < all.Count; i++)
        {
            all[i].WriteTo(batch.AsSpan(offset), first + (uint)i);
            offset += NetlinkWire.Align(all[i].Length);
        }
        _socket.Send(batch);

        // The kernel runs the batch inside send(): every answer is queued by now; the wait only guards against a
        // kernel that answers late, and bounds the wait when it does not answer every message.
        var acks = new NetlinkBatchAcks(first, messages.Count);
        var budget = _socket.WaitBudget();
        var deadline = Environment.TickCount64 + budget;
        while (!acks.Complete)
        {
            if (!_socket.TryReceive((int)Math.Max(0, deadline - Environment.TickCount64), out var datagram))
                throw new NetlinkException(Errno.ETIMEDOUT, string.Create(CultureInfo.InvariantCulture,
                    $"the kernel acknowledged {acks.Acknowledged} of {messages.Count} nf_tables messages"));
            acks.Take(datagram);
        }
        if (acks.RefusedErrno == 0) return;
        var error = acks.RefusedErrno;
        var refused = acks.RefusedIndex >= 0
            ? $"{messages[acks.RefusedIndex].What}: {Describe(error)}"
            : error == Errno.EOPNOTSUPP
                ? "this kernel has no nf_tables " + NoNfTables
                : "the kernel refused the nf_tables batch: " + Describe(error);
        throw new NetlinkException(error, refused) { FailedMessage = acks.RefusedIndex };
    }

    /// <summary>
    /// Sends one request (a get, or with NLM_F_DUMP a dump) and returns the payload of every answer (after the
    /// netlink header), or throws a <see cref="NetlinkException"/> with the errno, e.g. ENOENT when the object does not exist.
    /// </summary>
    public List<byte[]> Query(NetlinkMessage request)
    {
        var answers = new List<byte[]>();
        _socket.Request(request, (_, payload) => answers.Add(payload.ToArray()));
        return answers;
    }

    /// <summary>strerror and the errno: "File exists (errno 17)".</summary>
    public static string Describe(int errno) =>
        string.Create(CultureInfo.InvariantCulture, $"{Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
}
