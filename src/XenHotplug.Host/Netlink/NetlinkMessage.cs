using System.Buffers.Binary;
using System.Text;

namespace XenHotplug.Host.Netlink;

/// <summary>
/// One netlink request being built: the 16-byte header (written by <see cref="Finish"/>), a fixed part, then
/// attributes, 4-byte aligned, possibly nested. rtnetlink and nf_tables messages are both built with it.
/// </summary>
internal sealed class NetlinkMessage(ushort type, ushort flags)
{
    private const ushort NLA_F_NESTED = 0x8000;
    private readonly List<byte> _body = [];

    public ushort Type => type;

    public void IfInfo(int index, uint flags, uint change)
    {
        Span<byte> info = stackalloc byte[16];
        BinaryPrimitives.WriteInt32LittleEndian(info[4..], index);
        BinaryPrimitives.WriteUInt32LittleEndian(info[8..], flags);
        BinaryPrimitives.WriteUInt32LittleEndian(info[12..], change);
        Raw(info);
    }

    /// <summary>struct nfgenmsg: the address family, NFNETLINK_V0, the resource id (big-endian).</summary>
    public void NfGen(byte family, ushort resourceId)
    {
        Span<byte> header = [family, 0, 0, 0];
        BinaryPrimitives.WriteUInt16BigEndian(header[2..], resourceId);
        Raw(header);
    }

    public void Raw(ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes) _body.Add(b);
        while (_body.Count % 4 != 0) _body.Add(0);
    }

    public void Attribute(ushort attributeType, ReadOnlySpan<byte> value)
    {
        Span<byte> header = stackalloc byte[4];
        BinaryPrimitives.WriteUInt16LittleEndian(header, (ushort)(4 + value.Length));
        BinaryPrimitives.WriteUInt16LittleEndian(header[2..], attributeType);
        foreach (var b in header) _body.Add(b);
        Raw(value);
    }

    /// <summary>A NUL-terminated UTF-8 string attribute.</summary>
    public void Attribute(ushort attributeType, string value) => Attribute(attributeType, NulTerminated(value));

    /// <summary>A 32-bit attribute in network byte order (nf_tables' NLA_BE32).</summary>
    public void AttributeBigEndian(ushort attributeType, uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        Attribute(attributeType, bytes);
    }

    /// <summary>Starts a nested attribute; the attributes added until <see cref="EndNested"/> are its content.</summary>
    public int BeginNested(ushort attributeType)
    {
        var start = _body.Count;
        Attribute((ushort)(attributeType | NLA_F_NESTED), []);
        return start;
    }

    public void EndNested(int start)
    {
        var length = _body.Count - start;
        _body[start] = (byte)length;
        _body[start + 1] = (byte)(length >> 8);
    }

    public static byte[] NulTerminated(string text)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(text) + 1];
        Encoding.UTF8.GetBytes(text, bytes);
        return bytes;
    }

    public byte[] Finish(uint sequence)
    {
        var message = new byte[16 + _body.Count];
        WriteTo(message, sequence);
        return message;
    }

    /// <summary>The length of the finished message (header included).</summary>
    public int Length => 16 + _body.Count;

    /// <summary>Writes the finished message at the start of <paramref name="destination"/>.</summary>
    public void WriteTo(Span<byte> destination, uint sequence)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, (uint)Length);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[4..], type);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[6..], flags);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], sequence);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[12..], 0);
        for (var i = 0; i < _body.Count; i++) destination[16 + i] = _body[i];
    }
}
