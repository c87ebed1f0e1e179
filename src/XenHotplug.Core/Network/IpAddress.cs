using System.Globalization;

namespace XenHotplug.Core.Network;

/// <summary>One address as `ip -j address` shows it; identity is family, local address and prefix length.</summary>
public sealed record IpAddress(
    string Family,
    string Local,
    int PrefixLen,
    string? Broadcast = null,
    string? Scope = null,
    string? LabelSuffix = null,
    bool NoPrefixRoute = false,
    bool NoDad = false,
    long? ValidLft = null,
    long? PreferredLft = null)
{
    public const long Forever = 4294967295;

    public string Cidr => Local + "/" + PrefixLen.ToString(CultureInfo.InvariantCulture);

    public bool IsIPv6 => Family == "inet6";

    /// <summary>A lifetime that runs out (a DHCP lease, an IPv6 address from a router advertisement).</summary>
    public bool HasFiniteLifetime => ValidLft is { } v && v < Forever;

    /// <summary>
    /// Addresses network-multibridge moves: not link-local, not host scope, and not an IPv6 address with a finite
    /// lifetime (SLAAC: the kernel's own; the bridge, carrying the NIC's MAC, autoconfigures the same one).
    /// </summary>
    public bool IsMovable => Scope is not ("link" or "host") && !Local.StartsWith("fe80:", StringComparison.OrdinalIgnoreCase)
        && !(IsIPv6 && HasFiniteLifetime);

    public bool SameAs(IpAddress other) => Family == other.Family && Local == other.Local && PrefixLen == other.PrefixLen;

    /// <summary>The words after "dev D" of `ip address add` for this address on <paramref name="dev"/>.</summary>
    public IReadOnlyList<string> AddExtra(string dev)
    {
        var extra = new List<string>();
        if (Broadcast is not null && !IsIPv6) extra.AddRange(["broadcast", Broadcast]);
        if (Scope is not null && Scope != "global") extra.AddRange(["scope", Scope]);
        if (LabelSuffix is not null && !IsIPv6) extra.AddRange(["label", dev + LabelSuffix]);
        if (ValidLft is { } v && v < Forever)
        {
            extra.AddRange(["valid_lft", v.ToString(CultureInfo.InvariantCulture)]);
            extra.AddRange(["preferred_lft", (PreferredLft ?? v).ToString(CultureInfo.InvariantCulture)]);
        }
        if (NoPrefixRoute) extra.Add("noprefixroute");
        if (NoDad && IsIPv6) extra.Add("nodad");
        return extra;
    }
}
