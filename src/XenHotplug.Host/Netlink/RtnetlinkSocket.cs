using System.Buffers.Binary;
using System.Runtime.InteropServices;
using XenHotplug.Host.Native;

namespace XenHotplug.Host.Netlink;

/// <summary>
/// A NETLINK_ROUTE socket speaking just what a vif port needs: look a link up by name, change a link
/// (flags, MAC, MTU, master, name, alias), list and delete its addresses. Every request is acknowledged.
/// </summary>
internal sealed class RtnetlinkSocket : IDisposable
{
    private const ushort RTM_NEWLINK = 16, RTM_GETLINK = 18, RTM_NEWADDR = 20, RTM_DELADDR = 21, RTM_GETADDR = 22;
    private const ushort NLMSG_ERROR = 2, NLMSG_DONE = 3;
    private const ushort NLM_F_REQUEST = 1, NLM_F_ACK = 4, NLM_F_DUMP = 0x300;
    public const ushort IFLA_ADDRESS = 1, IFLA_IFNAME = 3, IFLA_MTU = 4, IFLA_MASTER = 10, IFLA_IFALIAS = 20;
    private const ushort IFA_ADDRESS = 1, IFA_LOCAL = 2;
    private const uint IFF_UP = 1;

    private readonly int _fd;
    private readonly byte[] _receive = new byte[65536];
    private uint _sequence;

    public RtnetlinkSocket()
    {
        _fd = LibC.Socket(LibC.AF_NETLINK, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, LibC.NETLINK_ROUTE);
        if (_fd < 0) throw new NetlinkException("cannot open a netlink socket: " + Marshal.GetLastPInvokeErrorMessage());
        _sequence = (uint)Environment.TickCount;
    }

    public void Dispose() => LibC.Close(_fd);

    /// <summary>The ifindex of a link, or an error "Cannot find device".</summary>
    public int IndexOf(string name)
    {
        var request = new NetlinkMessage(RTM_GETLINK, NLM_F_REQUEST);
        request.IfInfo(0, 0, 0);
        request.Attribute(IFLA_IFNAME, NulTerminated(name));
        var index = 0;
        Exchange(request, (type, payload) =>
        {
            if (type == RTM_NEWLINK && payload.Length >= 16) index = BinaryPrimitives.ReadInt32LittleEndian(payload[4..]);
        }, expectAck: false, missing: $"Cannot find device \"{name}\"");
        return index;
    }

    /// <summary>Sets or clears IFF_UP.</summary>
    public void SetUp(int index, bool up)
    {
        var request = new NetlinkMessage(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK);
        request.IfInfo(index, up ? IFF_UP : 0, IFF_UP);
        Exchange(request, null, expectAck: true, missing: null);
    }

    /// <summary>Changes one attribute of a link.</summary>
    public void SetAttribute(int index, ushort attribute, ReadOnlySpan<byte> value)
    {
        var request = new NetlinkMessage(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK);
        request.IfInfo(index, 0, 0);
        request.Attribute(attribute, value);
        Exchange(request, null, expectAck: true, missing: null);
    }

    /// <summary>Deletes every address of a link (ip address flush dev).</summary>
    public void FlushAddresses(int index)
    {
        var found = new List<byte[]>();
        var dump = new NetlinkMessage(RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP);
        dump.Raw(stackalloc byte[8]);
        Exchange(dump, (type, payload) =>
        {
            if (type == RTM_NEWADDR && payload.Length >= 8 && BinaryPrimitives.ReadInt32LittleEndian(payload[4..]) == index)
                found.Add(payload.ToArray());
        }, expectAck: false, missing: null);
        foreach (var address in found)
        {
            var delete = new NetlinkMessage(RTM_DELADDR, NLM_F_REQUEST | NLM_F_ACK);
            delete.Raw(address.AsSpan(0, 8));
            foreach (var (type, value) in Attributes(address.AsSpan(8).ToArray()))
            {
                if (type is IFA_ADDRESS or IFA_LOCAL) delete.Attribute(type, value);
            }
            try
            {
                Exchange(delete, null, expectAck: true, missing: null);
            }
            catch (NetlinkException e) when (e.Message.Contains("Cannot assign requested address", StringComparison.Ordinal))
            {
                // Gone already (a secondary removed with its primary).
            }
        }
    }

    /// <summary>True when the link holds an IPv4 address, or an IPv6 address beyond link-local scope.</summary>
    public bool HoldsAddresses(int index)
    {
        const byte AF_INET6 = 10, RT_SCOPE_LINK = 253;
        var holds = false;
        var dump = new NetlinkMessage(RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP);
        dump.Raw(stackalloc byte[8]);
        Exchange(dump, (type, payload) =>
        {
            if (type == RTM_NEWADDR && payload.Length >= 8 && BinaryPrimitives.ReadInt32LittleEndian(payload[4..]) == index
                && !(payload[0] == AF_INET6 && payload[3] == RT_SCOPE_LINK))
                holds = true;
        }, expectAck: false, missing: null);
        return holds;
    }

    public static byte[] NulTerminated(string text) => NetlinkMessage.NulTerminated(text);

    private static List<(ushort, byte[])> Attributes(byte[] data)
    {
        var result = new List<(ushort, byte[])>();
        var offset = 0;
        while (offset + 4 <= data.Length)
        {
            var length = BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(offset));
            var type = BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(offset + 2));
            if (length < 4 || offset + length > data.Length) break;
            result.Add(((ushort)(type & 0x3fff), data.AsSpan(offset + 4, length - 4).ToArray()));
            offset += (length + 3) & ~3;
        }
        return result;
    }

    private unsafe void Exchange(NetlinkMessage request, Action<ushort, ReadOnlySpan<byte>>? onMessage, bool expectAck, string? missing)
    {
        var sequence = ++_sequence;
        var bytes = request.Finish(sequence);
        fixed (byte* p = bytes)
        {
            if (LibC.Send(_fd, p, bytes.Length, 0) < 0)
                throw new NetlinkException("netlink send failed: " + Marshal.GetLastPInvokeErrorMessage());
        }
        while (true)
        {
            nint n;
            fixed (byte* p = _receive)
            {
                n = LibC.Receive(_fd, p, _receive.Length, 0);
            }
            if (n < 0)
            {
                if (Marshal.GetLastPInvokeError() == LibC.EINTR) continue;
                throw new NetlinkException("netlink receive failed: " + Marshal.GetLastPInvokeErrorMessage());
            }
            var offset = 0;
            while (offset + 16 <= n)
            {
                var span = _receive.AsSpan(offset, (int)n - offset);
                var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(span);
                var type = BinaryPrimitives.ReadUInt16LittleEndian(span[4..]);
                var seq = BinaryPrimitives.ReadUInt32LittleEndian(span[8..]);
                if (length < 16 || length > span.Length) throw new NetlinkException("malformed netlink reply");
                var payload = span[16..length];
                offset += (length + 3) & ~3;
                if (seq != sequence) continue;
                if (type == NLMSG_DONE) return;
                if (type == NLMSG_ERROR)
                {
                    var error = -BinaryPrimitives.ReadInt32LittleEndian(payload);
                    if (error == 0) return;
                    if (error == 19 && missing is not null) throw new NetlinkException(missing); // ENODEV
                    throw new NetlinkException(Marshal.GetPInvokeErrorMessage(error));
                }
                onMessage?.Invoke(type, payload);
                if (!expectAck && (BinaryPrimitives.ReadUInt16LittleEndian(span[6..]) & 0x2) == 0) return; // not NLM_F_MULTI: a single answer
            }
        }
    }
}
