namespace XenHotplug.Core.Firewall;

/// <summary>
/// One guarded interface as the kernel has it: its chain, mode, number of rules and packets dropped so far — in all,
/// and by reason (<see cref="Drops"/>) — and for antispoof = dhcp the addresses learnt, with the seconds left to each.
/// </summary>
public sealed record GuardedVif(string Interface, string Chain, string Mode, int Rules, long Dropped)
{
    /// <summary>Packets dropped by reason: forged (source MAC, addresses, other protocols), rogue_ra, rogue_dhcp, vlan.</summary>
    public IReadOnlyDictionary<string, long> Drops { get; init; } = new Dictionary<string, long>(StringComparer.Ordinal);

    /// <summary>dhcp mode: the learnt addresses and the seconds until each expires (unless renewed).</summary>
    public IReadOnlyList<(string Address, long Expires)> Learnt { get; init; } = [];
}
