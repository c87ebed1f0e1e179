using System.Buffers.Binary;
using System.Globalization;

namespace XenHotplug.Host.Netlink;

/// <summary>
/// The messages of one received datagram, in order (<c>foreach (var m in new NetlinkDatagram(bytes))</c>), without
/// copying. A datagram is the kernel's input like any other: a header cut short, a length below the header's or
/// past the datagram's end is a <see cref="NetlinkException"/>, never an out-of-range read.
/// </summary>
internal ref struct NetlinkDatagram
{
    private ReadOnlySpan<byte> _rest;
    private int _offset;

    public NetlinkDatagram(ReadOnlySpan<byte> datagram) => _rest = datagram;

    public readonly NetlinkDatagram GetEnumerator() => this;

    public NetlinkReply Current { get; private set; }

    public bool MoveNext()
    {
        if (_rest.IsEmpty) return false;
        var length = _rest.Length < NetlinkWire.HeaderLength ? -1 : (long)BinaryPrimitives.ReadUInt32LittleEndian(_rest);
        if (length < NetlinkWire.HeaderLength || length > _rest.Length)
            throw new NetlinkException(string.Create(CultureInfo.InvariantCulture,
                $"malformed netlink message at byte {_offset}: length {(length < 0 ? "cut short" : length)} with {_rest.Length} bytes left"));
        Current = new NetlinkReply(
            BinaryPrimitives.ReadUInt16LittleEndian(_rest[4..]),
            BinaryPrimitives.ReadUInt16LittleEndian(_rest[6..]),
            BinaryPrimitives.ReadUInt32LittleEndian(_rest[8..]),
            _rest[NetlinkWire.HeaderLength..(int)length]);
        var step = Math.Min(NetlinkWire.Align((int)length), _rest.Length);
        _rest = _rest[step..];
        _offset += step;
        return true;
    }
}
