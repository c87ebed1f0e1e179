using System.Globalization;

namespace XenHotplug.Host.Netlink;

/// <summary>
/// Reads the attributes of a netlink payload in order (<c>foreach (var a in new NetlinkAttributes(span))</c>),
/// without copying: each one's type (the nested and byte-order bits removed) and value; a nested attribute's value
/// is read the same way (<see cref="NetlinkAttribute.Nested"/>). The kernel's message is input like any other: an
/// attribute whose length is shorter than its header or runs past its container is a <see cref="NetlinkException"/>,
/// never an out-of-range read. Fewer than 4 bytes left over after the last attribute are padding, as the kernel's
/// own parser treats them.
/// </summary>
internal ref struct NetlinkAttributes
{
    private ReadOnlySpan<byte> _rest;
    private int _offset;

    public NetlinkAttributes(ReadOnlySpan<byte> payload) => _rest = payload;

    public readonly NetlinkAttributes GetEnumerator() => this;

    public NetlinkAttribute Current { get; private set; }

    public bool MoveNext()
    {
        if (_rest.Length < NetlinkWire.AttributeHeaderLength) return false;
        var length = _rest[0] | (_rest[1] << 8);
        var type = (ushort)(_rest[2] | (_rest[3] << 8));
        if (length < NetlinkWire.AttributeHeaderLength || length > _rest.Length)
            throw new NetlinkException(string.Create(CultureInfo.InvariantCulture,
                $"malformed netlink attribute at byte {_offset}: length {length} with {_rest.Length} bytes left"));
        Current = new NetlinkAttribute((ushort)(type & NetlinkWire.NLA_TYPE_MASK), (type & NetlinkWire.NLA_F_NESTED) != 0,
            _rest[NetlinkWire.AttributeHeaderLength..length]);
        var step = Math.Min(NetlinkWire.Align(length), _rest.Length);
        _rest = _rest[step..];
        _offset += step;
        return true;
    }

    /// <summary>The value of the first attribute of <paramref name="type"/> in <paramref name="payload"/>; false when there is none.</summary>
    public static bool TryFind(ReadOnlySpan<byte> payload, ushort type, out NetlinkAttribute found)
    {
        foreach (var attribute in new NetlinkAttributes(payload))
        {
            if (attribute.Type != type) continue;
            found = attribute;
            return true;
        }
        found = default;
        return false;
    }
}
