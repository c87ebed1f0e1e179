namespace XenHotplug.Configuration;

/// <summary>Everything /etc/xen/multibridge.ini (and its environment overrides) says, validated.</summary>
public sealed record MultibridgeConfig
{
    /// <summary>The file read, or null when none exists (defaults: plain vif-bridge behaviour).</summary>
    public string? SourceFile { get; init; }

    public HotplugOptions Hotplug { get; init; } = new();

    /// <summary>Backend bridge values that mean "apply the policy".</summary>
    public IReadOnlySet<string> AutoBridges { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>The pool used when nothing else chooses, or null.</summary>
    public string? DefaultPool { get; init; }

    public UnhealthyAction WhenUnhealthy { get; init; } = UnhealthyAction.Fallback;

    public BridgeNaming Naming { get; init; } = BridgeNaming.Xenbr;

    /// <summary>[bridge:NAME] sections in file order.</summary>
    public IReadOnlyList<BridgeDeclaration> Bridges { get; init; } = [];

    /// <summary>[pool:NAME] sections by name.</summary>
    public IReadOnlyDictionary<string, PoolDeclaration> Pools { get; init; } = new Dictionary<string, PoolDeclaration>(StringComparer.Ordinal);

    /// <summary>[domain:GLOB] sections in file order: the first match wins.</summary>
    public IReadOnlyList<DomainRule> DomainRules { get; init; } = [];

    /// <summary>The defaults: no file.</summary>
    public static MultibridgeConfig Default { get; } = new();

    /// <summary>The declaration of a bridge, or null.</summary>
    public BridgeDeclaration? FindBridge(string name)
    {
        foreach (var b in Bridges)
        {
            if (b.Name == name) return b;
        }
        return null;
    }

    /// <summary>True when any policy (pools or rules) is configured.</summary>
    public bool HasPolicy => Pools.Count > 0 || DomainRules.Count > 0;
}
