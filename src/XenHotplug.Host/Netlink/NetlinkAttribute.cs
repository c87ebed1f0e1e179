using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace XenHotplug.Host.Netlink;

/// <summary>
/// One attribute read by <see cref="NetlinkAttributes"/>: its type and value, with readers that check the value's
/// size first (a short value is a <see cref="NetlinkException"/>, not an out-of-range read).
/// </summary>
internal readonly ref struct NetlinkAttribute
{
    public NetlinkAttribute(ushort type, bool flaggedNested, ReadOnlySpan<byte> value)
    {
        Type = type;
        FlaggedNested = flaggedNested;
        Value = value;
    }

    /// <summary>The type without NLA_F_NESTED and NLA_F_NET_BYTEORDER.</summary>
    public ushort Type { get; }

    /// <summary>True when the sender set NLA_F_NESTED (rtnetlink's older nests do not: the caller knows which are).</summary>
    public bool FlaggedNested { get; }

    public ReadOnlySpan<byte> Value { get; }

    /// <summary>The attributes inside this one.</summary>
    public NetlinkAttributes Nested => new(Value);

    public ushort U16 => BinaryPrimitives.ReadUInt16LittleEndian(Sized(2));

    public uint U32 => BinaryPrimitives.ReadUInt32LittleEndian(Sized(4));

    public uint BigEndianU32 => BinaryPrimitives.ReadUInt32BigEndian(Sized(4));

    /// <summary>A string attribute (NLA_STRING or NLA_NUL_STRING): UTF-8 up to the first NUL.</summary>
    public string Text
    {
        get
        {
            var end = Value.IndexOf((byte)0);
            return Encoding.UTF8.GetString(end < 0 ? Value : Value[..end]);
        }
    }

    private ReadOnlySpan<byte> Sized(int size) => Value.Length >= size ? Value
        : throw new NetlinkException(string.Create(CultureInfo.InvariantCulture,
            $"malformed netlink attribute {Type}: {Value.Length} bytes where {size} are needed"));
}
