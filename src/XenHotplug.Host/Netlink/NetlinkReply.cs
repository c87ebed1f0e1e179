using System.Buffers.Binary;

namespace XenHotplug.Host.Netlink;

/// <summary>One message of a received datagram (<see cref="NetlinkDatagram"/>): its header's fields and its payload.</summary>
internal readonly ref struct NetlinkReply
{
    public NetlinkReply(ushort type, ushort flags, uint sequence, ReadOnlySpan<byte> payload)
    {
        Type = type;
        Flags = flags;
        Sequence = sequence;
        Payload = payload;
    }

    public ushort Type { get; }

    public ushort Flags { get; }

    public uint Sequence { get; }

    /// <summary>What follows the header: a family's fixed part and attributes, or an error's code and the request's header.</summary>
    public ReadOnlySpan<byte> Payload { get; }

    /// <summary>One part of a multipart answer (a dump); NLMSG_DONE ends it.</summary>
    public bool IsMultipart => (Flags & NetlinkWire.NLM_F_MULTI) != 0;

    /// <summary>
    /// An NLMSG_ERROR's errno: 0 for an acknowledgement, else the (positive) errno of the refusal. An error message
    /// without its code is malformed.
    /// </summary>
    public int ErrorCode
    {
        get
        {
            if (Payload.Length < 4) throw new NetlinkException("malformed netlink error message: no error code");
            var code = BinaryPrimitives.ReadInt32LittleEndian(Payload);
            if (code is > 0 or < -MaxErrno)
                throw new NetlinkException("malformed netlink error message: error code " + code.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return -code;
        }
    }

    /// <summary>The kernel's errno values are 1…4095 (MAX_ERRNO).</summary>
    private const int MaxErrno = 4095;
}
