using System.Buffers.Binary;

namespace XenHotplug.Host.Xenstore;

/// <summary>The 16-byte little-endian header in front of every xenstore frame (struct xsd_sockmsg).</summary>
public readonly record struct XenstoreMessageHeader(XenstoreMessageType Type, uint RequestId, uint TransactionId, uint Length)
{
    /// <summary>Size of the header on the wire.</summary>
    public const int Size = 16;

    /// <summary>Largest payload a frame may carry (XENSTORE_PAYLOAD_MAX).</summary>
    public const int MaxPayload = 4096;

    /// <summary>Writes the header into the first <see cref="Size"/> bytes of <paramref name="destination"/>.</summary>
    public void WriteTo(Span<byte> destination)
    {
        if (destination.Length < Size)
        {
            throw new ArgumentException("destination shorter than a xenstore header", nameof(destination));
        }

        BinaryPrimitives.WriteUInt32LittleEndian(destination, (uint)Type);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], RequestId);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], TransactionId);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[12..], Length);
    }

    /// <summary>
    /// Reads a header from the first <see cref="Size"/> bytes of <paramref name="source"/>.
    /// Throws <see cref="XenstoreProtocolException"/> when the source is too short or the length exceeds <see cref="MaxPayload"/>.
    /// </summary>
    public static XenstoreMessageHeader ReadFrom(ReadOnlySpan<byte> source)
    {
        if (source.Length < Size)
        {
            throw new XenstoreProtocolException($"truncated xenstore header: {source.Length} of {Size} bytes");
        }

        var header = new XenstoreMessageHeader(
            (XenstoreMessageType)BinaryPrimitives.ReadUInt32LittleEndian(source),
            BinaryPrimitives.ReadUInt32LittleEndian(source[4..]),
            BinaryPrimitives.ReadUInt32LittleEndian(source[8..]),
            BinaryPrimitives.ReadUInt32LittleEndian(source[12..]));
        if (header.Length > MaxPayload)
        {
            throw new XenstoreProtocolException(
                $"xenstore frame payload of {header.Length} bytes exceeds the maximum of {MaxPayload} (type {(uint)header.Type})");
        }

        return header;
    }
}
