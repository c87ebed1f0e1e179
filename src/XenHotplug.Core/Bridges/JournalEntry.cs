using XenHotplug.Core.Network;

namespace XenHotplug.Core.Bridges;

/// <summary>One bridge (or bond) touched by a run: the links as they were before it was touched.</summary>
public sealed record JournalEntry(string Bridge, IReadOnlyList<LinkState> Before)
{
    /// <summary>A device the change may create — a VLAN bridge's 802.1Q port, a bond: deleted by the rollback when it is not among <see cref="Before"/> (the run created it).</summary>
    public string? CreatedDevice { get; init; }
}
