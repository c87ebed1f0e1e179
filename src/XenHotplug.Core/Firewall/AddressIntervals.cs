using System.Globalization;
using System.Net;

namespace XenHotplug.Core.Firewall;

/// <summary>
/// Addresses and prefixes as the elements of an nf_tables interval set: sorted, merged ranges, each written as its
/// first address and, unless it runs to the top of the address space, the address after its last one flagged as an
/// interval end (what nft sends for `flags interval`). One set lookup then checks any number of addresses.
/// </summary>
public static class AddressIntervals
{
    /// <summary>The elements for <paramref name="addressesOrPrefixes"/> (all of one family, <paramref name="bytes"/> 4 or 16), in ascending order.</summary>
    public static IReadOnlyList<SetElement> Elements(IEnumerable<string> addressesOrPrefixes, int bytes)
    {
        var bits = bytes * 8;
        var ranges = new List<(UInt128 First, UInt128 Last)>();
        foreach (var item in addressesOrPrefixes)
        {
            var slash = item.IndexOf('/', StringComparison.Ordinal);
            var address = IPAddress.Parse(slash < 0 ? item : item[..slash]).GetAddressBytes();
            if (address.Length != bytes) throw new ArgumentException($"'{item}' is not a {bits}-bit address", nameof(addressesOrPrefixes));
            var prefix = slash < 0 ? bits : int.Parse(item.AsSpan(slash + 1), CultureInfo.InvariantCulture);
            var first = ToNumber(address);
            var hostBits = bits - prefix;
            var span = hostBits == 0 ? UInt128.Zero : (hostBits == 128 ? UInt128.MaxValue : (UInt128.One << hostBits) - 1);
            ranges.Add((first, first + span));
        }
        ranges.Sort((a, b) => a.First.CompareTo(b.First));
        var merged = new List<(UInt128 First, UInt128 Last)>();
        foreach (var r in ranges)
        {
            if (merged.Count > 0 && (merged[^1].Last == Top(bits) || r.First <= merged[^1].Last + 1))
            {
                if (r.Last > merged[^1].Last) merged[^1] = (merged[^1].First, r.Last);
            }
            else merged.Add(r);
        }
        var elements = new List<SetElement>();
        if (merged.Count > 0 && merged[0].First != UInt128.Zero) elements.Add(new SetElement(new byte[bytes], true)); // as nft: the space below the first range is outside
        foreach (var (first, last) in merged)
        {
            elements.Add(new SetElement(ToBytes(first, bytes), false));
            if (last != Top(bits)) elements.Add(new SetElement(ToBytes(last + 1, bytes), true));
        }
        return elements;
    }

    private static UInt128 Top(int bits) => bits == 128 ? UInt128.MaxValue : (UInt128.One << bits) - 1;

    private static UInt128 ToNumber(byte[] address)
    {
        UInt128 n = 0;
        foreach (var b in address) n = (n << 8) | b;
        return n;
    }

    private static byte[] ToBytes(UInt128 n, int bytes)
    {
        var result = new byte[bytes];
        for (var i = bytes - 1; i >= 0; i--)
        {
            result[i] = (byte)(n & 0xff);
            n >>= 8;
        }
        return result;
    }
}
