namespace XenHotplug.Core.Status;

/// <summary>One slave of a bond uplink, as the bond's monitor sees it: carrying traffic (active) or standing by, link up or down.</summary>
public sealed record BondSlaveStatus(string Name, bool Active, bool LinkUp)
{
    /// <summary>"eth0 active", "eth1 backup", "eth1 down".</summary>
    public override string ToString() => $"{Name} {(!LinkUp ? "down" : Active ? "active" : "backup")}";
}
