using System.Buffers.Binary;

namespace XenHotplug.Tests.Netlink;

/// <summary>Netlink messages as the kernel sends them, built by hand for the parsers' tests.</summary>
internal static class NetlinkBytes
{
    public const ushort NLMSG_ERROR = 2, NLMSG_DONE = 3, NLM_F_MULTI = 2;

    /// <summary>One message: header (length, type, flags, sequence, port 0), then the payload, padded to 4 bytes.</summary>
    public static byte[] Message(ushort type, uint sequence, ReadOnlySpan<byte> payload, ushort flags = 0)
    {
        var length = 16 + payload.Length;
        var bytes = new byte[(length + 3) & ~3];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, (uint)length);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(4), type);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(6), flags);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), sequence);
        payload.CopyTo(bytes.AsSpan(16));
        return bytes;
    }

    /// <summary>An NLMSG_ERROR: the negative errno (0: an acknowledgement), then the request's header.</summary>
    public static byte[] Error(uint sequence, int errno)
    {
        var payload = new byte[20];
        BinaryPrimitives.WriteInt32LittleEndian(payload, -errno);
        BinaryPrimitives.WriteUInt32LittleEndian(payload.AsSpan(4), 16);
        BinaryPrimitives.WriteUInt32LittleEndian(payload.AsSpan(12), sequence);
        return Message(NLMSG_ERROR, sequence, payload);
    }

    public static byte[] Done(uint sequence) => Message(NLMSG_DONE, sequence, new byte[4], NLM_F_MULTI);

    /// <summary>Messages concatenated into one datagram.</summary>
    public static byte[] Datagram(params byte[][] messages) => [.. messages.SelectMany(m => m)];
}
