using System.Globalization;
using System.Net;
using System.Net.Sockets;
using XenHotplug.Core.Failures;

namespace XenHotplug.Core.Firewall;

/// <summary>
/// The backend's ip= list as the firewall uses it: IPv4 and IPv6 addresses or prefixes, separated by
/// spaces or commas. A prefix with host bits set (10.0.0.5/24) is refused: it could mean one address or
/// the whole network, and guessing wrong either breaks the guest or lets it spoof its neighbours.
/// </summary>
public sealed record GuestAddresses(IReadOnlyList<string> V4, IReadOnlyList<string> V6)
{
    public bool IsEmpty => V4.Count == 0 && V6.Count == 0;

    /// <summary>Parses <paramref name="text"/> (the ip= value, may be null); <paramref name="source"/> names it in errors.</summary>
    public static GuestAddresses Parse(string? text, string source)
    {
        var v4 = new List<string>();
        var v6 = new List<string>();
        foreach (var word in (text ?? "").Split([' ', '\t', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var (address, prefix) = ParseOne(word, source);
            var text4or6 = prefix is null ? address.ToString() : $"{address}/{prefix.Value.ToString(CultureInfo.InvariantCulture)}";
            var list = address.AddressFamily == AddressFamily.InterNetwork ? v4 : v6;
            if (!list.Contains(text4or6, StringComparer.Ordinal)) list.Add(text4or6);
        }
        return new GuestAddresses(v4, v6);
    }

    private static (IPAddress Address, int? Prefix) ParseOne(string word, string source)
    {
        var slash = word.IndexOf('/', StringComparison.Ordinal);
        var addressText = slash < 0 ? word : word[..slash];
        if (addressText.Contains('%', StringComparison.Ordinal) || !IPAddress.TryParse(addressText, out var address)
            || address.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
            throw new HotplugException($"invalid address '{word}' in {source} (expected IPv4 or IPv6 addresses or prefixes)");
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (slash < 0) return (address, null);
        var bits = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        if (!int.TryParse(word.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var prefix) || prefix > bits)
            throw new HotplugException($"invalid prefix length in '{word}' in {source} (0-{bits.ToString(CultureInfo.InvariantCulture)})");
        var network = new IPNetwork(Masked(address, prefix), prefix);
        if (!network.BaseAddress.Equals(address))
            throw new HotplugException($"'{word}' in {source} has host bits set: write {address} for the one address or {network} for the network");
        return prefix == bits ? (address, null) : (address, prefix);
    }

    private static IPAddress Masked(IPAddress address, int prefix)
    {
        var bytes = address.GetAddressBytes();
        for (var i = 0; i < bytes.Length; i++)
        {
            var keep = Math.Clamp(prefix - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xff << (8 - keep));
        }
        return new IPAddress(bytes);
    }
}
