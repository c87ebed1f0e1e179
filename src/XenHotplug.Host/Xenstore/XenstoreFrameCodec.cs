namespace XenHotplug.Host.Xenstore;

/// <summary>
/// Encodes and decodes whole xenstore frames (header + payload). Pure and span based; every
/// violation of the wire format is reported as <see cref="XenstoreProtocolException"/>.
/// </summary>
public static class XenstoreFrameCodec
{
    /// <summary>Writes one frame into <paramref name="destination"/> and returns the number of bytes written.</summary>
    public static int Encode(Span<byte> destination, XenstoreMessageType type, uint requestId, uint transactionId, ReadOnlySpan<byte> payload)
    {
        if (payload.Length > XenstoreMessageHeader.MaxPayload)
        {
            throw new ArgumentException(
                $"xenstore payload of {payload.Length} bytes exceeds the maximum of {XenstoreMessageHeader.MaxPayload}", nameof(payload));
        }

        int total = XenstoreMessageHeader.Size + payload.Length;
        if (destination.Length < total)
        {
            throw new ArgumentException($"destination of {destination.Length} bytes cannot hold a {total}-byte frame", nameof(destination));
        }

        new XenstoreMessageHeader(type, requestId, transactionId, (uint)payload.Length).WriteTo(destination);
        payload.CopyTo(destination[XenstoreMessageHeader.Size..]);
        return total;
    }

    /// <summary>Encodes one frame into a new array.</summary>
    public static byte[] Encode(XenstoreMessageType type, uint requestId, uint transactionId, ReadOnlySpan<byte> payload)
    {
        var frame = new byte[XenstoreMessageHeader.Size + payload.Length];
        Encode(frame, type, requestId, transactionId, payload);
        return frame;
    }

    /// <summary>Encodes <paramref name="message"/> into a new array.</summary>
    public static byte[] Encode(XenstoreMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return Encode(message.Type, message.RequestId, message.TransactionId, message.Payload.Span);
    }

    /// <summary>
    /// Incremental decoding for a receive buffer: false (and <paramref name="consumed"/> 0) while the buffer does not yet
    /// hold a whole frame; throws <see cref="XenstoreProtocolException"/> as soon as the header announces an oversized payload.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<byte> buffer, out XenstoreMessage? message, out int consumed)
    {
        message = null;
        consumed = 0;
        if (buffer.Length < XenstoreMessageHeader.Size)
        {
            return false;
        }

        var header = XenstoreMessageHeader.ReadFrom(buffer);
        int total = XenstoreMessageHeader.Size + (int)header.Length;
        if (buffer.Length < total)
        {
            return false;
        }

        message = new XenstoreMessage(header.Type, header.RequestId, header.TransactionId,
            buffer[XenstoreMessageHeader.Size..total].ToArray());
        consumed = total;
        return true;
    }

    /// <summary>Decodes exactly one frame; a truncated frame or trailing bytes are protocol errors.</summary>
    public static XenstoreMessage Decode(ReadOnlySpan<byte> frame)
    {
        var header = XenstoreMessageHeader.ReadFrom(frame);
        int total = XenstoreMessageHeader.Size + (int)header.Length;
        if (frame.Length < total)
        {
            throw new XenstoreProtocolException(
                $"truncated xenstore frame: payload has {frame.Length - XenstoreMessageHeader.Size} of {header.Length} bytes");
        }

        if (frame.Length > total)
        {
            throw new XenstoreProtocolException($"{frame.Length - total} unexpected bytes after a xenstore frame");
        }

        TryDecode(frame, out var message, out _);
        return message!;
    }
}
