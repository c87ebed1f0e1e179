using XenHotplug.Core.Vlan;

namespace XenHotplug.Core.Configuration;

/// <summary>
/// Every key multibridge.ini takes, declared once: section, name, default, reader, and the multibridge.ini(5)
/// subsection that documents it. <see cref="ConfigValidator"/> reads values through these declarations, refuses a key no declaration
/// names, and takes each default from here.
/// </summary>
public static class ConfigSchema
{
    /// <summary>
    /// The largest [hotplug] deadline: libxl kills a hotplug script after 40 s, and a failure still needs
    /// up to <c>ReportGrace</c> (2 s) to reach hotplug-error.
    /// </summary>
    public const double MaxDeadline = 35;

    private const string Hotplug = "hotplug", Policy = "policy", Network = "network", Balancer = "balancer", Metrics = "metrics";
    private const string Bridge = "bridge", Bond = "bond", Pool = "pool", Domain = "domain";

    // [hotplug]
    public static ConfigKey<double> DeviceWait { get; } = new(Hotplug, "device_wait", 5, ValueParsers.Seconds(0, 600), "[hotplug]");
    public static ConfigKey<double> Deadline { get; } = new(Hotplug, "deadline", 25, ValueParsers.Seconds(1, MaxDeadline), "[hotplug]");
    public static ConfigKey<string> HooksDir { get; } = new(Hotplug, "hooks_dir", "/etc/xen/scripts/vif-post.d", ValueParsers.Text, "[hotplug]");
    public static ConfigKey<string> RunDir { get; } = new(Hotplug, "run_dir", "/run/xen-multibridge", ValueParsers.AbsolutePath, "[hotplug]");
    public static ConfigKey<NetworkBackend> Backend { get; } = new(Hotplug, "network_backend", NetworkBackend.Netlink, ValueParsers.Choice(ConfigNames.Backend), "[hotplug]");

    // [policy]
    public static ConfigKey<IReadOnlyList<string>> AutoBridge { get; } = new(Policy, "auto_bridge", [], ValueParsers.InterfaceNames, "[policy]");
    public static ConfigKey<string?> DefaultPool { get; } = new(Policy, "default_pool", null, ValueParsers.OptionalText, "[policy]");
    public static ConfigKey<UnhealthyAction> WhenUnhealthy { get; } = new(Policy, "when_unhealthy", UnhealthyAction.Fallback, ValueParsers.Choice(ConfigNames.WhenUnhealthy), "[policy]");
    public static ConfigKey<AntispoofMode> Antispoof { get; } = new(Policy, "antispoof", AntispoofMode.Off, ValueParsers.Choice(ConfigNames.Antispoof), "[policy]");
    public static ConfigKey<double> DhcpTimeout { get; } = new(Policy, "dhcp_timeout", 86400, ValueParsers.Seconds(10, 30 * 86400), "[policy]");

    // [network]
    public static ConfigKey<BridgeNaming> Naming { get; } = new(Network, "naming", BridgeNaming.Xenbr, ValueParsers.Choice(ConfigNames.Naming), "[network]");

    // [balancer]
    public static ConfigKey<double> Interval { get; } = new(Balancer, "interval", 5, ValueParsers.Seconds(0.2, 3600), "[balancer]");
    public static ConfigKey<double> Threshold { get; } = new(Balancer, "threshold", 1.25, ValueParsers.Number(1.01, 100, "times the fair share"), "[balancer]");
    public static ConfigKey<int> MaxMovesPerMinute { get; } = new(Balancer, "max_moves_per_minute", 4, ValueParsers.Count(0, 10000, "moves"), "[balancer]");
    public static ConfigKey<double> Hold { get; } = new(Balancer, "hold", 60, ValueParsers.Seconds(0, 86400), "[balancer]");
    public static ConfigKey<double> MinRate { get; } = new(Balancer, "min_rate", 1, ValueParsers.Number(0, 1e7, "Mbit/s"), "[balancer]");
    public static ConfigKey<bool> Announce { get; } = new(Balancer, "announce", true, ValueParsers.YesNo, "[balancer]");

    // [metrics]
    public static ConfigKey<string?> Textfile { get; } = new(Metrics, "textfile", null, ValueParsers.OptionalAbsolutePath, "[metrics]");
    public static ConfigKey<bool> HotplugRuns { get; } = new(Metrics, "hotplug_runs", true, ValueParsers.YesNo, "[metrics]");

    // [bridge:NAME]
    public static ConfigKey<string?> Uplink { get; } = new(Bridge, "uplink", null, ValueParsers.InterfaceName, "[bridge:NAME]");
    public static ConfigKey<int?> Mtu { get; } = new(Bridge, "mtu", null, ValueParsers.Mtu, "[bridge:NAME]");
    public static ConfigKey<double> Weight { get; } = new(Bridge, "weight", 1, ValueParsers.PositiveNumber, "[bridge:NAME]");
    public static ConfigKey<bool?> BridgeIsolated { get; } = new(Bridge, "isolated", null, ValueParsers.OptionalYesNo, "[bridge:NAME]");
    public static ConfigKey<ushort?> BridgeVlan { get; } = new(Bridge, "vlan", null, ValueParsers.VlanId, "[bridge:NAME]");
    public static ConfigKey<string?> UplinkName { get; } = new(Bridge, "uplink_name", null, ValueParsers.InterfaceName, "[bridge:NAME]");
    public static ConfigKey<bool> VlanFiltering { get; } = new(Bridge, "vlan_filtering", false, ValueParsers.YesNo, "[bridge:NAME]");
    public static ConfigKey<IReadOnlyList<ushort>> Vids { get; } = new(Bridge, "vids", [], ValueParsers.VlanIds, "[bridge:NAME]");
    public static ConfigKey<ushort?> Pvid { get; } = new(Bridge, "pvid", null, ValueParsers.VlanId, "[bridge:NAME]");

    // [bond:NAME]
    public static ConfigKey<IReadOnlyList<string>> Slaves { get; } = new(Bond, "slaves", [], ValueParsers.InterfaceNames, "[bond:NAME]");
    public static ConfigKey<BondMode> Mode { get; } = new(Bond, "mode", BondMode.ActiveBackup, ValueParsers.Choice(ConfigNames.BondMode, "bond mode"), "[bond:NAME]");
    public static ConfigKey<int> Miimon { get; } = new(Bond, "miimon", 100, ValueParsers.Count(0, 60000, "milliseconds"), "[bond:NAME]");
    public static ConfigKey<int?> LacpRate { get; } = new(Bond, "lacp_rate", null, ValueParsers.OptionalChoice(ConfigNames.LacpRate), "[bond:NAME]");
    public static ConfigKey<int?> XmitHashPolicy { get; } = new(Bond, "xmit_hash_policy", null, ValueParsers.OptionalChoice(ConfigNames.XmitHashPolicy), "[bond:NAME]");
    public static ConfigKey<string?> Primary { get; } = new(Bond, "primary", null, ValueParsers.InterfaceName, "[bond:NAME]");
    public static ConfigKey<int?> BondMtu { get; } = new(Bond, "mtu", null, ValueParsers.Mtu, "[bond:NAME]");

    // [pool:NAME]
    public static ConfigKey<IReadOnlyList<string>> PoolBridges { get; } = new(Pool, "bridges", [], ValueParsers.Words, "[pool:NAME]");
    public static ConfigKey<PoolStrategy> Strategy { get; } = new(Pool, "strategy", PoolStrategy.LeastLoaded, ValueParsers.Choice(ConfigNames.Strategy, "strategy"), "[pool:NAME]");
    public static ConfigKey<AntispoofMode?> PoolAntispoof { get; } = new(Pool, "antispoof", null, ValueParsers.OptionalChoice(ConfigNames.Antispoof), "[pool:NAME]");
    public static ConfigKey<bool> SharedSegment { get; } = new(Pool, "shared_segment", false, ValueParsers.YesNo, "[pool:NAME]");
    public static ConfigKey<bool> Failback { get; } = new(Pool, "failback", false, ValueParsers.YesNo, "[pool:NAME]");
    public static ConfigKey<bool?> PoolIsolated { get; } = new(Pool, "isolated", null, ValueParsers.OptionalYesNo, "[pool:NAME]");
    public static ConfigKey<bool?> PoolAllowRouter { get; } = new(Pool, "allow_router", null, ValueParsers.OptionalYesNo, "[pool:NAME]");
    public static ConfigKey<bool?> PoolAllowDhcpServer { get; } = new(Pool, "allow_dhcp_server", null, ValueParsers.OptionalYesNo, "[pool:NAME]");

    // [domain:GLOB]
    public static ConfigKey<string?> RulePool { get; } = new(Domain, "pool", null, ValueParsers.OptionalText, "[domain:GLOB]");
    public static ConfigKey<string?> RuleBridge { get; } = new(Domain, "bridge", null, ValueParsers.InterfaceName, "[domain:GLOB]");
    public static ConfigKey<AntispoofMode?> RuleAntispoof { get; } = new(Domain, "antispoof", null, ValueParsers.OptionalChoice(ConfigNames.Antispoof), "[domain:GLOB]");
    public static ConfigKey<bool?> RuleIsolated { get; } = new(Domain, "isolated", null, ValueParsers.OptionalYesNo, "[domain:GLOB]");
    public static ConfigKey<bool?> RuleAllowRouter { get; } = new(Domain, "allow_router", null, ValueParsers.OptionalYesNo, "[domain:GLOB]");
    public static ConfigKey<bool?> RuleAllowDhcpServer { get; } = new(Domain, "allow_dhcp_server", null, ValueParsers.OptionalYesNo, "[domain:GLOB]");
    public static ConfigKey<VlanSet?> RuleVlan { get; } = new(Domain, "vlan", null, ValueParsers.Vlans, "[domain:GLOB]");

    /// <summary>Every key, in the order the unknown-key message lists them.</summary>
    public static IReadOnlyList<ConfigKey> All { get; } =
    [
        DeviceWait, Deadline, HooksDir, RunDir, Backend,
        AutoBridge, DefaultPool, WhenUnhealthy, Antispoof, DhcpTimeout,
        Naming,
        Interval, Threshold, MaxMovesPerMinute, Hold, MinRate, Announce,
        Textfile, HotplugRuns,
        Uplink, Mtu, Weight, BridgeIsolated, BridgeVlan, UplinkName, VlanFiltering, Vids, Pvid,
        Slaves, Mode, Miimon, LacpRate, XmitHashPolicy, Primary, BondMtu,
        PoolBridges, Strategy, PoolAntispoof, SharedSegment, Failback, PoolIsolated, PoolAllowRouter, PoolAllowDhcpServer,
        RulePool, RuleBridge, RuleAntispoof, RuleIsolated, RuleAllowRouter, RuleAllowDhcpServer, RuleVlan,
    ];

    /// <summary>The sections that are one of a kind, and the kinds of named sections ([bridge:NAME], ...).</summary>
    public static IReadOnlyList<string> PlainSections { get; } = [Hotplug, Policy, Network, Balancer, Metrics];

    public static IReadOnlyList<string> NamedSections { get; } = [Bridge, Bond, Pool, Domain];

    /// <summary>The key names a section (or kind of named section) takes.</summary>
    public static IReadOnlyList<string> KeysOf(string section) =>
        [.. All.Where(k => string.Equals(k.Section, section, StringComparison.OrdinalIgnoreCase)).Select(k => k.Name)];
}
