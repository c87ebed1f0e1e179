using XenHotplug.Core.Configuration;

namespace XenHotplug.Core.Bridges;

/// <summary>
/// One bond as network-multibridge builds it: its interface name, its slaves in order (the first, or
/// <see cref="Primary"/>, gives the bond its MAC so DHCP leases and neighbours' caches stay right) and the
/// bonding driver's options.
/// </summary>
public sealed record BondSpec(string Name, IReadOnlyList<string> Slaves, BondMode Mode, int Miimon)
{
    public string? LacpRate { get; init; }

    public string? XmitHashPolicy { get; init; }

    public string? Primary { get; init; }

    public int? Mtu { get; init; }

    /// <summary>The kernel's word for the mode (`ip link add ... type bond mode WORD`).</summary>
    public string ModeName => ConfigNames.BondMode.Name(Mode);

    /// <summary>The slave whose MAC the bond takes, and where stop puts the bond's addresses when no slave held them before.</summary>
    public string Home => Primary ?? Slaves[0];

    public static BondSpec From(BondDeclaration d) => new(d.Name, d.Slaves, d.Mode, d.Miimon)
    {
        LacpRate = d.LacpRate,
        XmitHashPolicy = d.XmitHashPolicy,
        Primary = d.Primary,
        Mtu = d.Mtu,
    };

    public override string ToString() => $"{Name} (bond {ModeName} of {string.Join(' ', Slaves)})";
}
