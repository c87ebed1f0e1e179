using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using XenHotplug.Host.Native;

namespace XenHotplug.Host.Netlink;

/// <summary>
/// The one netlink socket of the project, under rtnetlink (<see cref="RtnetlinkSocket"/>), nf_tables
/// (<see cref="NetfilterBatchSocket"/>) and link events (<see cref="LinkEvents"/>): open a protocol, optionally
/// subscribed to multicast groups; send; receive one datagram (EINTR retried, EAGAIN waited for with poll, never longer
/// than <see cref="AnswerTimeout"/> nor than the caller's <see cref="TimeLeft"/>); and a request whose answers are
/// matched by sequence number (<see cref="NetlinkAnswers"/>). Every failure is a <see cref="NetlinkException"/> with
/// the errno.
/// </summary>
internal sealed class NetlinkSocket : IDisposable
{
    /// <summary>
    /// How long an answer may take at most. The kernel answers rtnetlink and nf_tables inside send() or the next
    /// recv(): the wait only bounds a kernel that never answers.
    /// </summary>
    public static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(5);

    private readonly int _fd;
    private readonly byte[] _receive = new byte[65536];
    private uint _sequence = (uint)Environment.TickCount & 0x3fffffff;
    private bool _disposed;

    private NetlinkSocket(int fd) => _fd = fd;

    /// <summary>
    /// Opens a NETLINK_<paramref name="protocol"/> socket; with <paramref name="groups"/> it is bound to those multicast
    /// groups (RTMGRP_LINK…) and receives their notifications.
    /// </summary>
    public static unsafe NetlinkSocket Open(int protocol, uint groups = 0)
    {
        var fd = LibC.Socket(LibC.AF_NETLINK, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, protocol);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new NetlinkException(errno, "cannot open a netlink socket: " + Marshal.GetPInvokeErrorMessage(errno));
        }
        if (groups == 0) return new NetlinkSocket(fd); // bound by the kernel at the first send
        Span<byte> address = stackalloc byte[12]; // struct sockaddr_nl: family, pad, pid (0: the kernel picks), groups
        BinaryPrimitives.WriteUInt16LittleEndian(address, LibC.AF_NETLINK);
        BinaryPrimitives.WriteUInt32LittleEndian(address[8..], groups);
        fixed (byte* a = address)
        {
            if (LibC.Bind(fd, a, address.Length) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                LibC.Close(fd);
                throw new NetlinkException(errno, "cannot subscribe to netlink notifications: " + Marshal.GetPInvokeErrorMessage(errno));
            }
        }
        return new NetlinkSocket(fd);
    }

    /// <summary>The time the caller has left (its deadline); null: only <see cref="AnswerTimeout"/> bounds a wait.</summary>
    public Func<TimeSpan>? TimeLeft { get; set; }

    /// <summary>The text of a refusal's errno in this socket's messages (strerror by default: "No such device").</summary>
    public Func<int, string> Describe { get; set; } = Marshal.GetPInvokeErrorMessage;

    /// <summary>Called with the descriptor instead of close(2) when the socket is disposed (see <see cref="DeferredRelease"/>).</summary>
    public Action<int>? Release { get; set; }

    /// <summary>An integer socket option at SOL_NETLINK; false when this kernel does not know it.</summary>
    public bool TrySetOption(int name, int value)
    {
        const int SOL_NETLINK = 270;
        return LibC.SetSockOpt(_fd, SOL_NETLINK, name, ref value, sizeof(int)) == 0;
    }

    /// <summary>Reserves <paramref name="count"/> consecutive sequence numbers and returns the first.</summary>
    public uint NextSequence(int count = 1)
    {
        var first = ++_sequence;
        _sequence += (uint)count - 1;
        return first;
    }

    public unsafe void Send(ReadOnlySpan<byte> bytes)
    {
        while (true)
        {
            nint n;
            fixed (byte* p = bytes)
            {
                n = LibC.Send(_fd, p, bytes.Length, 0);
            }
            if (n >= 0) return;
            var errno = Marshal.GetLastPInvokeError();
            if (errno == Errno.EINTR) continue;
            throw new NetlinkException(errno, "netlink send failed: " + Describe(errno));
        }
    }

    /// <summary>
    /// Sends <paramref name="request"/> and hands each answer to <paramref name="onAnswer"/> until the request is done
    /// (<see cref="NetlinkAnswers"/>); a refusal is a <see cref="NetlinkException"/> with its errno, as is no answer in time.
    /// </summary>
    public void Request(NetlinkMessage request, NetlinkAnswers.Handler? onAnswer)
    {
        var answers = new NetlinkAnswers(NextSequence(), (request.Flags & NetlinkWire.NLM_F_ACK) != 0, Describe);
        Send(request.Finish(answers.Sequence));
        var budget = WaitBudget();
        var end = Environment.TickCount64 + budget;
        while (!answers.Complete)
        {
            if (!TryReceive((int)Math.Max(0, end - Environment.TickCount64), out var datagram))
                throw new NetlinkException(Errno.ETIMEDOUT, string.Create(CultureInfo.InvariantCulture,
                    $"the kernel did not answer a netlink request within {budget} ms"));
            answers.Take(datagram, onAnswer);
        }
    }

    /// <summary>The bound of the next wait in milliseconds: <see cref="AnswerTimeout"/>, or less when the caller has less time left.</summary>
    public int WaitBudget()
    {
        var budget = AnswerTimeout;
        if (TimeLeft?.Invoke() is { } left && left < budget) budget = left < TimeSpan.Zero ? TimeSpan.Zero : left;
        return (int)budget.TotalMilliseconds;
    }

    /// <summary>
    /// One datagram: what the kernel has queued, else what arrives within <paramref name="timeoutMilliseconds"/>
    /// (0: do not wait). False when nothing came; ENOBUFS (notifications dropped) and any other error are thrown.
    /// </summary>
    public unsafe bool TryReceive(int timeoutMilliseconds, out ReadOnlySpan<byte> datagram)
    {
        var end = Environment.TickCount64 + Math.Max(0, timeoutMilliseconds);
        while (true)
        {
            nint n;
            fixed (byte* p = _receive)
            {
                n = LibC.Receive(_fd, p, _receive.Length, LibC.MSG_DONTWAIT);
            }
            if (n >= 0)
            {
                datagram = _receive.AsSpan(0, (int)n);
                return true;
            }
            var errno = Marshal.GetLastPInvokeError();
            if (errno == Errno.EINTR) continue;
            if (errno != Errno.EAGAIN) throw new NetlinkException(errno, "netlink receive failed: " + Describe(errno));
            var left = (int)Math.Max(0, end - Environment.TickCount64);
            var poll = new LibC.PollFd { Fd = _fd, Events = LibC.POLLIN };
            var ready = LibC.Poll(ref poll, 1, left);
            if (ready > 0) continue;
            if (ready < 0)
            {
                var pollErrno = Marshal.GetLastPInvokeError();
                if (pollErrno != Errno.EINTR) throw new NetlinkException(pollErrno, "poll on a netlink socket failed: " + Describe(pollErrno));
                if (left > 0) continue;
            }
            datagram = default;
            return false;
        }
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (Release is { } release) release(_fd);
        else LibC.Close(_fd);
    }
}
