using XenHotplug.Core.Naming;

namespace XenHotplug.Core.Configuration;

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

    /// <summary>[policy] antispoof: what guest NICs may claim as source, unless a pool or rule says otherwise.</summary>
    public AntispoofMode Antispoof { get; init; } = AntispoofMode.Off;

    /// <summary>[policy] dhcp_timeout: how long (seconds) an address a DHCP server acked stays in an antispoof = dhcp guard after the last ack.</summary>
    public double DhcpTimeout { get; init; } = 86400;

    /// <summary>True when any section asks for antispoof (an offline then removes a guard even without a record of it).</summary>
    public bool UsesAntispoof =>
        Antispoof != AntispoofMode.Off || Pools.Values.Any(p => p.Antispoof is { } m && m != AntispoofMode.Off) || DomainRules.Any(r => r.Antispoof is { } m && m != AntispoofMode.Off);

    /// <summary>[bridge:NAME] sections in file order.</summary>
    public IReadOnlyList<BridgeDeclaration> Bridges { get; init; } = [];

    /// <summary>[bond:NAME] sections in file order: bonds start builds before the bridges.</summary>
    public IReadOnlyList<BondDeclaration> Bonds { get; init; } = [];

    /// <summary>[pool:NAME] sections by name.</summary>
    public IReadOnlyDictionary<string, PoolDeclaration> Pools { get; init; } = new Dictionary<string, PoolDeclaration>(StringComparer.Ordinal);

    /// <summary>[domain:GLOB] sections in file order: the first match wins.</summary>
    public IReadOnlyList<DomainRule> DomainRules { get; init; } = [];

    /// <summary>[balancer]: live moves of guests in shared-segment pools.</summary>
    public BalancerOptions Balancer { get; init; } = new();

    /// <summary>[metrics]: where `watch` writes its metrics.</summary>
    public MetricsOptions Metrics { get; init; } = new();

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

    /// <summary>
    /// The interface name of a declared bridge on the host: its own name, or under legacy naming the name
    /// of its uplink (the NIC ethN is renamed pethN and the bridge is called ethN).
    /// </summary>
    public string BridgeInterface(string declared) =>
        Naming == BridgeNaming.Legacy && FindBridge(declared) is { Vlan: null, Uplink: { } uplink } ? uplink : declared;

    /// <summary>
    /// The name the uplink of a declared bridge has while it is a port: the NIC itself, pethN under legacy naming, or the
    /// 802.1Q device (bond0.100) of a VLAN bridge.
    /// </summary>
    public string? UplinkPort(string declared) => FindBridge(declared) switch
    {
        { Vlan: not null } b => b.PortDevice,
        { Uplink: { } uplink } => Naming == BridgeNaming.Legacy ? LegacyNames.Port(uplink) : uplink,
        _ => null,
    };

    /// <summary>The declaration whose bridge has this interface name on the host, or null.</summary>
    public BridgeDeclaration? FindBridgeByInterface(string interfaceName)
    {
        foreach (var b in Bridges)
        {
            if (BridgeInterface(b.Name) == interfaceName) return b;
        }
        return null;
    }

    /// <summary>True when any policy (pools or rules) is configured.</summary>
    public bool HasPolicy => Pools.Count > 0 || DomainRules.Count > 0;
}
