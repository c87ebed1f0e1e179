namespace XenHotplug.Host.Netlink;

/// <summary>
/// The netlink framing every family shares (linux/netlink.h): the 16-byte message header, its control types and
/// flags, the attribute header's flag bits, and the 4-byte alignment of messages and attributes alike.
/// </summary>
internal static class NetlinkWire
{
    /// <summary>struct nlmsghdr: length (u32), type (u16), flags (u16), sequence (u32), port id (u32).</summary>
    public const int HeaderLength = 16;

    /// <summary>struct nlattr: length (u16), type (u16).</summary>
    public const int AttributeHeaderLength = 4;

    public const ushort NLMSG_NOOP = 1, NLMSG_ERROR = 2, NLMSG_DONE = 3, NLMSG_OVERRUN = 4;

    public const ushort NLM_F_REQUEST = 0x1, NLM_F_MULTI = 0x2, NLM_F_ACK = 0x4;
    public const ushort NLM_F_DUMP = 0x300, NLM_F_CREATE = 0x400, NLM_F_APPEND = 0x800;

    /// <summary>The attribute type's flag bits; <see cref="NLA_TYPE_MASK"/> keeps the type itself.</summary>
    public const ushort NLA_F_NESTED = 0x8000, NLA_F_NET_BYTEORDER = 0x4000, NLA_TYPE_MASK = 0x3fff;

    /// <summary>NLMSG_ALIGN and NLA_ALIGN: both round up to 4 bytes.</summary>
    public static int Align(int length) => (length + 3) & ~3;
}
