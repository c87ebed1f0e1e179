namespace XenHotplug.Core.Configuration;

/// <summary>A [pool:NAME] section: bridges guests are spread over, and the strategy that spreads them.</summary>
public sealed record PoolDeclaration(string Name, IReadOnlyList<string> Bridges, PoolStrategy Strategy)
{
    /// <summary>The antispoof mode for NICs placed through this pool, or null when the pool does not set one.</summary>
    public AntispoofMode? Antispoof { get; init; }

    /// <summary>shared_segment = yes: every bridge of the pool reaches the same layer-2 network, so the balancer may move guests live between them.</summary>
    public bool SharedSegment { get; init; }

    /// <summary>failback = yes: a guest moved away from a dead uplink goes back to its bridge when the carrier returns.</summary>
    public bool Failback { get; init; }

    /// <summary>isolated = yes: the NICs placed through this pool get the bridge-port isolated flag (null: not set here).</summary>
    public bool? Isolated { get; init; }

    /// <summary>allow_router = yes: guarded NICs of this pool may send IPv6 router advertisements and redirects and IPv4 ICMP redirects (null: not set here).</summary>
    public bool? AllowRouter { get; init; }

    /// <summary>allow_dhcp_server = yes: guarded NICs of this pool may answer as DHCPv4/DHCPv6 servers (null: not set here).</summary>
    public bool? AllowDhcpServer { get; init; }
}
