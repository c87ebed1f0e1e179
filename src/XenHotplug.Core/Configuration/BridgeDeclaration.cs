namespace XenHotplug.Core.Configuration;

/// <summary>A [bridge:NAME] section: a bridge the host needs, its uplink NIC (none: host-only), MTU and weight.</summary>
public sealed record BridgeDeclaration(string Name, string? Uplink, int? Mtu, double Weight)
{
    /// <summary>isolated = yes: guest ports on this bridge get the kernel's bridge-port isolated flag (null: not set here).</summary>
    public bool? Isolated { get; init; }
}
