namespace XenHotplug.Core.Configuration;

/// <summary>
/// A [bond:NAME] section: a bond network-multibridge start builds from <see cref="Slaves"/> before the bridges that use
/// it (as an uplink, or as the trunk of VLAN bridges), and stop takes apart again.
/// </summary>
public sealed record BondDeclaration(string Name, IReadOnlyList<string> Slaves, BondMode Mode)
{
    /// <summary>miimon: how often (ms) the driver checks each slave's carrier; 0 turns link monitoring off.</summary>
    public int Miimon { get; init; } = 100;

    /// <summary>lacp_rate = slow | fast (802.3ad only).</summary>
    public string? LacpRate { get; init; }

    /// <summary>xmit_hash_policy (balance-xor, 802.3ad and balance-tlb).</summary>
    public string? XmitHashPolicy { get; init; }

    /// <summary>primary: the slave that is active whenever it is up (active-backup, balance-tlb, balance-alb).</summary>
    public string? Primary { get; init; }

    /// <summary>mtu: the bond's (and so its slaves') MTU; null: the first slave's.</summary>
    public int? Mtu { get; init; }
}
