using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using XenHotplug.Host.Native;
using XenHotplug.Host.Netlink;

namespace XenHotplug.Host.Balancing;

/// <summary>
/// Link notifications from the kernel: a NETLINK_ROUTE socket subscribed to RTMGRP_LINK, so a lost or returning
/// carrier wakes the balancer at once (no polling). Subscribe before reading the state the events change.
/// </summary>
public sealed class LinkEvents : IDisposable
{
    private const ushort RTM_NEWLINK = 16, RTM_DELLINK = 17;
    private const ushort IFLA_IFNAME = 3;
    private readonly int _fd;
    private readonly byte[] _buffer = new byte[65536];

    public unsafe LinkEvents()
    {
        _fd = LibC.Socket(LibC.AF_NETLINK, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC | LibC.SOCK_NONBLOCK, LibC.NETLINK_ROUTE);
        if (_fd < 0) throw new NetlinkException("cannot open a netlink socket: " + Marshal.GetLastPInvokeErrorMessage());
        Span<byte> address = stackalloc byte[12]; // struct sockaddr_nl: family, pad, pid (0: the kernel picks), groups
        BinaryPrimitives.WriteUInt16LittleEndian(address, LibC.AF_NETLINK);
        BinaryPrimitives.WriteUInt32LittleEndian(address[8..], LibC.RTMGRP_LINK);
        fixed (byte* a = address)
        {
            if (LibC.Bind(_fd, a, address.Length) != 0)
            {
                var message = Marshal.GetLastPInvokeErrorMessage();
                LibC.Close(_fd);
                throw new NetlinkException("cannot subscribe to link events: " + message);
            }
        }
    }

    /// <summary>Waits at most <paramref name="timeout"/> for events; returns the names of the links that changed (empty: none).</summary>
    public IReadOnlySet<string> Wait(TimeSpan timeout)
    {
        var changed = new HashSet<string>(StringComparer.Ordinal);
        var ms = (int)Math.Clamp(timeout.TotalMilliseconds, 0, int.MaxValue);
        var fd = new LibC.PollFd { Fd = _fd, Events = LibC.POLLIN };
        var r = LibC.Poll(ref fd, 1, ms);
        if (r <= 0) return changed; // timeout, or EINTR: the caller's loop comes back
        Drain(changed);
        return changed;
    }

    private unsafe void Drain(HashSet<string> changed)
    {
        while (true)
        {
            nint n;
            fixed (byte* b = _buffer)
            {
                n = LibC.Receive(_fd, b, _buffer.Length, LibC.MSG_DONTWAIT);
            }
            if (n <= 0)
            {
                // EAGAIN: drained. ENOBUFS: the kernel dropped events; report "everything may have changed".
                if (n < 0 && Marshal.GetLastPInvokeError() == 105) changed.Add("*");
                return;
            }
            Parse(_buffer.AsSpan(0, (int)n), changed);
        }
    }

    /// <summary>The link names in a batch of RTM_NEWLINK/RTM_DELLINK messages.</summary>
    public static void Parse(ReadOnlySpan<byte> data, ISet<string> changed)
    {
        while (data.Length >= 16)
        {
            var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(data);
            var type = BinaryPrimitives.ReadUInt16LittleEndian(data[4..]);
            if (length < 16 || length > data.Length) return;
            if (type is RTM_NEWLINK or RTM_DELLINK && length >= 32)
            {
                var attributes = data[32..length];
                while (attributes.Length >= 4)
                {
                    var alen = BinaryPrimitives.ReadUInt16LittleEndian(attributes);
                    var atype = (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(attributes[2..]) & 0x3fff);
                    if (alen < 4 || alen > attributes.Length) break;
                    if (atype == IFLA_IFNAME)
                        changed.Add(Encoding.UTF8.GetString(attributes[4..alen]).TrimEnd('\0'));
                    var step = (alen + 3) & ~3;
                    if (step >= attributes.Length) break;
                    attributes = attributes[step..];
                }
            }
            var next = (length + 3) & ~3;
            if (next >= data.Length) return;
            data = data[next..];
        }
    }

    public void Dispose() => LibC.Close(_fd);
}
