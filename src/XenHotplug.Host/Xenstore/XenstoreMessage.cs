namespace XenHotplug.Host.Xenstore;

/// <summary>One decoded xenstore frame: the header fields and a copy of the payload.</summary>
public sealed class XenstoreMessage
{
    public XenstoreMessage(XenstoreMessageType type, uint requestId, uint transactionId, byte[] payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        if (payload.Length > XenstoreMessageHeader.MaxPayload)
        {
            throw new XenstoreProtocolException(
                $"xenstore payload of {payload.Length} bytes exceeds the maximum of {XenstoreMessageHeader.MaxPayload}");
        }

        Type = type;
        RequestId = requestId;
        TransactionId = transactionId;
        Payload = payload;
    }

    public XenstoreMessageType Type { get; }

    public uint RequestId { get; }

    public uint TransactionId { get; }

    public ReadOnlyMemory<byte> Payload { get; }

    /// <summary>Header plus payload size on the wire.</summary>
    public int FrameLength => XenstoreMessageHeader.Size + Payload.Length;
}
