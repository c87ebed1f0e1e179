using XenHotplug.Host.Xenstore;

namespace XenHotplug.Tests.Xenstore;

public class XenstoreFrameCodecTests
{
    public static TheoryData<XenstoreMessageType, byte[]> Messages => new()
    {
        { XenstoreMessageType.Read, XenstorePayload.Strings("/local/domain/0/name") },
        { XenstoreMessageType.Write, XenstorePayload.PathAndValue("backend/vif/3/0/state", "4") },
        { XenstoreMessageType.Directory, XenstorePayload.Strings("a", "b", "c") },
        { XenstoreMessageType.Mkdir, XenstorePayload.Strings("/x") },
        { XenstoreMessageType.Rm, XenstorePayload.Strings("/x") },
        { XenstoreMessageType.Watch, XenstorePayload.Strings("/x", "tok") },
        { XenstoreMessageType.Unwatch, XenstorePayload.Strings("/x", "tok") },
        { XenstoreMessageType.WatchEvent, XenstorePayload.Strings("/x/y", "tok") },
        { XenstoreMessageType.TransactionStart, XenstorePayload.Strings("17") },
        { XenstoreMessageType.TransactionEnd, XenstorePayload.TransactionEnd(true) },
        { XenstoreMessageType.GetDomainPath, XenstorePayload.Strings("/local/domain/3") },
        { XenstoreMessageType.GetPerms, XenstorePayload.Strings("n0") },
        { XenstoreMessageType.Error, XenstorePayload.Strings("ENOENT") },
        { XenstoreMessageType.Read, [] },
    };

    [Theory]
    [MemberData(nameof(Messages))]
    public void Encode_then_decode_round_trips(XenstoreMessageType type, byte[] payload)
    {
        var frame = XenstoreFrameCodec.Encode(type, 0x01020304, 7, payload);

        Assert.Equal(XenstoreMessageHeader.Size + payload.Length, frame.Length);
        var message = XenstoreFrameCodec.Decode(frame);
        Assert.Equal(type, message.Type);
        Assert.Equal(0x01020304u, message.RequestId);
        Assert.Equal(7u, message.TransactionId);
        Assert.Equal(payload, message.Payload.ToArray());
        Assert.Equal(frame, XenstoreFrameCodec.Encode(message));
    }

    [Fact]
    public void Header_is_little_endian_type_reqid_txid_len()
    {
        var frame = XenstoreFrameCodec.Encode(XenstoreMessageType.Write, 2, 3, "ab"u8);

        Assert.Equal(new byte[] { 11, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, (byte)'a', (byte)'b' }, frame);
    }

    [Fact]
    public void Maximum_payload_is_accepted()
    {
        var payload = new byte[XenstoreMessageHeader.MaxPayload];

        var message = XenstoreFrameCodec.Decode(XenstoreFrameCodec.Encode(XenstoreMessageType.Read, 1, 0, payload));

        Assert.Equal(XenstoreMessageHeader.MaxPayload, message.Payload.Length);
    }

    [Fact]
    public void Oversized_length_in_header_is_a_protocol_error()
    {
        var frame = new byte[XenstoreMessageHeader.Size];
        new XenstoreMessageHeader(XenstoreMessageType.Read, 1, 0, XenstoreMessageHeader.MaxPayload + 1).WriteTo(frame);

        var error = Assert.Throws<XenstoreProtocolException>(() => XenstoreFrameCodec.Decode(frame));
        Assert.Contains("4097", error.Message, StringComparison.Ordinal);
        Assert.Throws<XenstoreProtocolException>(() => XenstoreFrameCodec.TryDecode(frame, out _, out _));
    }

    [Fact]
    public void Encoding_an_oversized_payload_is_refused()
    {
        Assert.Throws<ArgumentException>(() => XenstoreFrameCodec.Encode(XenstoreMessageType.Write, 1, 0, new byte[XenstoreMessageHeader.MaxPayload + 1]));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(15)]
    public void Truncated_header_is_a_protocol_error(int length)
    {
        var frame = new byte[length];

        Assert.Throws<XenstoreProtocolException>(() => XenstoreFrameCodec.Decode(frame));
        Assert.False(XenstoreFrameCodec.TryDecode(frame, out _, out int consumed));
        Assert.Equal(0, consumed);
    }

    [Fact]
    public void Truncated_payload_is_a_protocol_error_and_incomplete_for_streaming()
    {
        var frame = XenstoreFrameCodec.Encode(XenstoreMessageType.Read, 1, 0, "/local/domain\0"u8);
        var truncated = frame.AsSpan(0, frame.Length - 3).ToArray();

        var error = Assert.Throws<XenstoreProtocolException>(() => XenstoreFrameCodec.Decode(truncated));
        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
        Assert.False(XenstoreFrameCodec.TryDecode(truncated, out var message, out _));
        Assert.Null(message);
    }

    [Fact]
    public void Trailing_bytes_after_a_frame_are_a_protocol_error()
    {
        var frame = XenstoreFrameCodec.Encode(XenstoreMessageType.Read, 1, 0, "x\0"u8);

        Assert.Throws<XenstoreProtocolException>(() => XenstoreFrameCodec.Decode([.. frame, 0]));
    }

    [Fact]
    public void Streaming_decode_takes_frames_one_at_a_time()
    {
        byte[] buffer = [.. XenstoreFrameCodec.Encode(XenstoreMessageType.Read, 1, 0, "a\0"u8),
            .. XenstoreFrameCodec.Encode(XenstoreMessageType.Write, 2, 0, "b\0c"u8)];

        Assert.True(XenstoreFrameCodec.TryDecode(buffer, out var first, out int consumed));
        Assert.True(XenstoreFrameCodec.TryDecode(buffer.AsSpan(consumed), out var second, out int consumed2));

        Assert.Equal(XenstoreMessageType.Read, first!.Type);
        Assert.Equal(XenstoreMessageType.Write, second!.Type);
        Assert.Equal(buffer.Length, consumed + consumed2);
    }
}
