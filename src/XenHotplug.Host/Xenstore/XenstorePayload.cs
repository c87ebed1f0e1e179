using System.Globalization;
using System.Text;

namespace XenHotplug.Host.Xenstore;

/// <summary>
/// Builds and parses the payloads of xenstore messages: NUL-terminated strings, WRITE's path\0value,
/// ERROR's errno name, TRANSACTION_START's decimal id, TRANSACTION_END's "T"/"F".
/// Parsers are strict and throw <see cref="XenstoreProtocolException"/>.
/// </summary>
public static class XenstorePayload
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    /// <summary>The reply payload "OK\0" used for acknowledgements.</summary>
    public static ReadOnlySpan<byte> Ok => "OK\0"u8;

    /// <summary>Each string followed by a NUL (e.g. READ path, WATCH path\0token\0, DIRECTORY reply).</summary>
    public static byte[] Strings(params ReadOnlySpan<string> parts)
    {
        int length = 0;
        foreach (var part in parts)
        {
            ArgumentNullException.ThrowIfNull(part);
            length += Utf8.GetByteCount(part) + 1;
        }

        var payload = new byte[length];
        int offset = 0;
        foreach (var part in parts)
        {
            offset += Utf8.GetBytes(part, payload.AsSpan(offset));
            payload[offset++] = 0;
        }

        return payload;
    }

    /// <summary>Each string followed by a NUL, written into <paramref name="destination"/>; returns the bytes written.</summary>
    public static int WriteStrings(Span<byte> destination, string first, string? second = null)
    {
        ArgumentNullException.ThrowIfNull(first);
        int offset = Utf8.GetBytes(first, destination);
        destination[offset++] = 0;
        if (second is not null)
        {
            offset += Utf8.GetBytes(second, destination[offset..]);
            destination[offset++] = 0;
        }

        return offset;
    }

    /// <summary>WRITE payload: path\0value, the value NOT NUL-terminated.</summary>
    public static byte[] PathAndValue(string path, string value)
    {
        var payload = new byte[PathAndValueLength(path, value)];
        WritePathAndValue(payload, path, value);
        return payload;
    }

    /// <summary>WRITE payload written into <paramref name="destination"/>; returns the bytes written.</summary>
    public static int WritePathAndValue(Span<byte> destination, string path, string value)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(value);
        int offset = Utf8.GetBytes(path, destination);
        destination[offset++] = 0;
        offset += Utf8.GetBytes(value, destination[offset..]);
        return offset;
    }

    /// <summary>Number of bytes <see cref="WritePathAndValue"/> needs.</summary>
    public static int PathAndValueLength(string path, string value) => Utf8.GetByteCount(path) + 1 + Utf8.GetByteCount(value);

    /// <summary>Raw UTF-8 text without terminator (READ reply, WRITE value).</summary>
    public static byte[] Raw(string value) => Utf8.GetBytes(value);

    /// <summary>Decodes raw UTF-8 text (READ reply). A single trailing NUL, which some servers add, is dropped.</summary>
    public static string ParseRaw(ReadOnlySpan<byte> payload)
    {
        if (!payload.IsEmpty && payload[^1] == 0)
        {
            payload = payload[..^1];
        }

        return Utf8.GetString(payload);
    }

    /// <summary>A sequence of NUL-terminated strings; an empty payload is an empty list. A missing final terminator is an error.</summary>
    public static List<string> ParseStrings(ReadOnlySpan<byte> payload, string what)
    {
        var result = new List<string>();
        while (!payload.IsEmpty)
        {
            int nul = payload.IndexOf((byte)0);
            if (nul < 0)
            {
                throw new XenstoreProtocolException($"{what}: string without NUL terminator");
            }

            result.Add(Utf8.GetString(payload[..nul]));
            payload = payload[(nul + 1)..];
        }

        return result;
    }

    /// <summary>Exactly one NUL-terminated string (GET_DOMAIN_PATH reply, "OK", READ request...).</summary>
    public static string ParseSingleString(ReadOnlySpan<byte> payload, string what)
    {
        if (payload.IsEmpty || payload[^1] != 0)
        {
            throw new XenstoreProtocolException($"{what}: missing NUL terminator");
        }

        var body = payload[..^1];
        if (body.Contains((byte)0))
        {
            throw new XenstoreProtocolException($"{what}: more than one string");
        }

        return Utf8.GetString(body);
    }

    /// <summary>WRITE payload: the path up to the first NUL, then the value (everything after it).</summary>
    public static (string Path, string Value) ParsePathAndValue(ReadOnlySpan<byte> payload)
    {
        int nul = payload.IndexOf((byte)0);
        if (nul < 0)
        {
            throw new XenstoreProtocolException("WRITE: path without NUL terminator");
        }

        return (Utf8.GetString(payload[..nul]), Utf8.GetString(payload[(nul + 1)..]));
    }

    /// <summary>ERROR reply: a non-empty errno name followed by NUL.</summary>
    public static string ParseError(ReadOnlySpan<byte> payload)
    {
        var name = ParseSingleString(payload, "ERROR reply");
        if (name.Length == 0)
        {
            throw new XenstoreProtocolException("ERROR reply: empty errno name");
        }

        foreach (char c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c))
            {
                throw new XenstoreProtocolException($"ERROR reply: invalid errno name \"{name}\"");
            }
        }

        return name;
    }

    /// <summary>TRANSACTION_START reply: decimal id followed by NUL.</summary>
    public static uint ParseTransactionId(ReadOnlySpan<byte> payload)
    {
        var text = ParseSingleString(payload, "TRANSACTION_START reply");
        if (text.Length == 0 || !text.All(char.IsAsciiDigit)
            || !uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out uint id))
        {
            throw new XenstoreProtocolException($"TRANSACTION_START reply: invalid transaction id \"{text}\"");
        }

        return id;
    }

    /// <summary>TRANSACTION_END payload: "T\0" (commit) or "F\0" (abort).</summary>
    public static byte[] TransactionEnd(bool commit) => commit ? [(byte)'T', 0] : [(byte)'F', 0];

    /// <summary>Parses a TRANSACTION_END payload; true for commit.</summary>
    public static bool ParseTransactionEnd(ReadOnlySpan<byte> payload)
    {
        if (payload.SequenceEqual("T\0"u8))
        {
            return true;
        }

        if (payload.SequenceEqual("F\0"u8))
        {
            return false;
        }

        throw new XenstoreProtocolException("TRANSACTION_END: payload is neither \"T\" nor \"F\"");
    }

    /// <summary>WATCH request / WATCH_EVENT payload: path\0token\0.</summary>
    public static (string Path, string Token) ParseWatch(ReadOnlySpan<byte> payload, string what)
    {
        var parts = ParseStrings(payload, what);
        if (parts.Count != 2)
        {
            throw new XenstoreProtocolException($"{what}: expected path and token, got {parts.Count} strings");
        }

        return (parts[0], parts[1]);
    }
}
