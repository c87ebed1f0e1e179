using System.Buffers.Binary;

namespace XenHotplug.Host.Netlink;

/// <summary>
/// One netlink request being built: the 16-byte header (written by <see cref="Finish"/>), a fixed part, then
/// attributes (<see cref="NetlinkAttributeWriter"/>). rtnetlink and nf_tables messages are both built with it.
/// </summary>
internal sealed class NetlinkMessage(ushort type, ushort flags) : NetlinkAttributeWriter
{
    public ushort Type => type;

    public ushort Flags => flags;

    /// <summary>struct ifinfomsg: family 0 (AF_UNSPEC), the link's index, flags and the mask of flags to change.</summary>
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

    public byte[] Finish(uint sequence)
    {
        var message = new byte[Length];
        WriteTo(message, sequence);
        return message;
    }

    /// <summary>The length of the finished message (header included).</summary>
    public int Length => NetlinkWire.HeaderLength + BodyLength;

    /// <summary>Writes the finished message at the start of <paramref name="destination"/>.</summary>
    public void WriteTo(Span<byte> destination, uint sequence)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, (uint)Length);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[4..], type);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[6..], flags);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], sequence);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[12..], 0);
        CopyBodyTo(destination[NetlinkWire.HeaderLength..]);
    }
}
