using System.Security.Cryptography;
using System.Text;

namespace XenHotplug.Core.Render;

/// <summary>A name-based UUID (RFC 9562 version 8: SHA-256 of a fixed prefix and the name): the same on every render.</summary>
public static class StableUuid
{
    public static string For(string name)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("xen-multibridge/" + name));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        var hex = Convert.ToHexStringLower(hash.AsSpan(0, 16));
        return $"{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..32]}";
    }
}
