using XenHotplug.Host.Xenstore;

namespace XenHotplug.Tests.Xenstore;

public class XenstorePayloadTests
{
    [Fact]
    public void Write_payload_is_path_nul_value_without_terminator()
    {
        var payload = XenstorePayload.PathAndValue("/a/b", "val");

        Assert.Equal("/a/b\0val"u8.ToArray(), payload);
        Assert.Equal(("/a/b", "val"), XenstorePayload.ParsePathAndValue(payload));
    }

    [Fact]
    public void Write_payload_may_carry_an_empty_value()
    {
        Assert.Equal(("/a", ""), XenstorePayload.ParsePathAndValue("/a\0"u8));
    }

    [Fact]
    public void Write_payload_without_nul_is_a_protocol_error()
    {
        Assert.Throws<XenstoreProtocolException>(() => XenstorePayload.ParsePathAndValue("/a/b"u8));
    }

    [Fact]
    public void Directory_reply_is_names_each_followed_by_nul()
    {
        Assert.Equal(["0", "1", "vif"], XenstorePayload.ParseStrings("0\01\0vif\0"u8, "DIRECTORY"));
        Assert.Empty(XenstorePayload.ParseStrings(ReadOnlySpan<byte>.Empty, "DIRECTORY"));
    }

    [Fact]
    public void Directory_reply_missing_last_terminator_is_a_protocol_error()
    {
        Assert.Throws<XenstoreProtocolException>(() => XenstorePayload.ParseStrings("0\01"u8, "DIRECTORY"));
    }

    [Fact]
    public void Error_reply_is_errno_name_and_nul()
    {
        Assert.Equal("ENOENT", XenstorePayload.ParseError(XenstorePayload.Strings("ENOENT")));
    }

    [Theory]
    [InlineData("ENOENT")]
    [InlineData("\0")]
    [InlineData("EN\0OENT\0")]
    [InlineData("E NO\0")]
    [InlineData("")]
    public void Malformed_error_reply_is_a_protocol_error(string payload)
    {
        Assert.Throws<XenstoreProtocolException>(() => XenstorePayload.ParseError(System.Text.Encoding.ASCII.GetBytes(payload)));
    }

    [Fact]
    public void Watch_event_is_path_and_token()
    {
        var payload = XenstorePayload.Strings("/local/domain/3/device", "tok-1");

        Assert.Equal(("/local/domain/3/device", "tok-1"), XenstorePayload.ParseWatch(payload, "WATCH_EVENT"));
    }

    [Theory]
    [InlineData("/path\0")]
    [InlineData("/path\0token")]
    [InlineData("/path\0token\0extra\0")]
    public void Malformed_watch_event_is_a_protocol_error(string payload)
    {
        Assert.Throws<XenstoreProtocolException>(() => XenstorePayload.ParseWatch(System.Text.Encoding.ASCII.GetBytes(payload), "WATCH_EVENT"));
    }

    [Fact]
    public void Transaction_start_reply_is_a_decimal_id()
    {
        Assert.Equal(42u, XenstorePayload.ParseTransactionId("42\0"u8));
    }

    [Theory]
    [InlineData("42")]
    [InlineData("\0")]
    [InlineData("-1\0")]
    [InlineData("4x\0")]
    [InlineData("99999999999\0")]
    public void Malformed_transaction_id_is_a_protocol_error(string payload)
    {
        Assert.Throws<XenstoreProtocolException>(() => XenstorePayload.ParseTransactionId(System.Text.Encoding.ASCII.GetBytes(payload)));
    }

    [Fact]
    public void Transaction_end_is_T_or_F_with_nul()
    {
        Assert.Equal("T\0"u8.ToArray(), XenstorePayload.TransactionEnd(commit: true));
        Assert.Equal("F\0"u8.ToArray(), XenstorePayload.TransactionEnd(commit: false));
        Assert.True(XenstorePayload.ParseTransactionEnd("T\0"u8));
        Assert.False(XenstorePayload.ParseTransactionEnd("F\0"u8));
        Assert.Throws<XenstoreProtocolException>(() => XenstorePayload.ParseTransactionEnd("T"u8));
    }

    [Fact]
    public void Single_string_requires_exactly_one_terminated_string()
    {
        Assert.Equal("/local/domain/7", XenstorePayload.ParseSingleString("/local/domain/7\0"u8, "GET_DOMAIN_PATH"));
        Assert.Throws<XenstoreProtocolException>(() => XenstorePayload.ParseSingleString("/local/domain/7"u8, "GET_DOMAIN_PATH"));
        Assert.Throws<XenstoreProtocolException>(() => XenstorePayload.ParseSingleString("a\0b\0"u8, "GET_DOMAIN_PATH"));
    }

    [Fact]
    public void Read_reply_is_raw_text()
    {
        Assert.Equal("online", XenstorePayload.ParseRaw("online"u8));
        Assert.Equal(string.Empty, XenstorePayload.ParseRaw(ReadOnlySpan<byte>.Empty));
    }
}
