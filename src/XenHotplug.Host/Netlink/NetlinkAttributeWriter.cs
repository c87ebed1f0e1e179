using System.Buffers.Binary;
using System.Text;

namespace XenHotplug.Host.Netlink;

/// <summary>
/// Writes netlink attributes (struct nlattr, then the value, padded to 4 bytes), nested ones included, and the fixed
/// parts before them. Every message the project sends is built with it (<see cref="NetlinkMessage"/> adds the header);
/// <see cref="NetlinkAttributes"/> reads what it writes.
/// </summary>
internal class NetlinkAttributeWriter
{
    private readonly List<byte> _body = [];

    /// <summary>The bytes written so far (each item padded).</summary>
    public int BodyLength => _body.Count;

    /// <summary>A fixed part (struct ifinfomsg, nfgenmsg…) or raw bytes, padded to 4 bytes.</summary>
    public void Raw(ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes) _body.Add(b);
        while (_body.Count % 4 != 0) _body.Add(0);
    }

    public void Attribute(ushort attributeType, ReadOnlySpan<byte> value)
    {
        if (NetlinkWire.AttributeHeaderLength + value.Length > ushort.MaxValue)
            throw new NetlinkException($"a netlink attribute of {value.Length} bytes does not fit its 16-bit length");
        Span<byte> header = stackalloc byte[NetlinkWire.AttributeHeaderLength];
        BinaryPrimitives.WriteUInt16LittleEndian(header, (ushort)(NetlinkWire.AttributeHeaderLength + value.Length));
        BinaryPrimitives.WriteUInt16LittleEndian(header[2..], attributeType);
        foreach (var b in header) _body.Add(b);
        Raw(value);
    }

    /// <summary>A NUL-terminated UTF-8 string attribute.</summary>
    public void Attribute(ushort attributeType, string value) => Attribute(attributeType, NulTerminated(value));

    /// <summary>A 32-bit attribute in host (little-endian) byte order (NLA_U32).</summary>
    public void AttributeU32(ushort attributeType, uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        Attribute(attributeType, bytes);
    }

    /// <summary>A 32-bit attribute in network byte order (nf_tables' NLA_BE32).</summary>
    public void AttributeBigEndian(ushort attributeType, uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        Attribute(attributeType, bytes);
    }

    /// <summary>
    /// Starts a nested attribute; the attributes added until <see cref="EndNested"/> are its content. nf_tables
    /// wants NLA_F_NESTED set; rtnetlink's older nests (IFLA_AF_SPEC) are written as iproute2 writes them, without.
    /// </summary>
    public int BeginNested(ushort attributeType, bool flagNested = true)
    {
        var start = _body.Count;
        Attribute(flagNested ? (ushort)(attributeType | NetlinkWire.NLA_F_NESTED) : attributeType, []);
        return start;
    }

    public void EndNested(int start)
    {
        var length = _body.Count - start;
        if (length > ushort.MaxValue) throw new NetlinkException($"a nested netlink attribute of {length} bytes does not fit its 16-bit length");
        _body[start] = (byte)length;
        _body[start + 1] = (byte)(length >> 8);
    }

    /// <summary>The body written so far, for a caller that frames it itself (and for tests).</summary>
    public byte[] ToArray() => [.. _body];

    /// <summary>Copies the body to the start of <paramref name="destination"/>.</summary>
    protected void CopyBodyTo(Span<byte> destination)
    {
        for (var i = 0; i < _body.Count; i++) destination[i] = _body[i];
    }

    public static byte[] NulTerminated(string text)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(text) + 1];
        Encoding.UTF8.GetBytes(text, bytes);
        return bytes;
    }
}
