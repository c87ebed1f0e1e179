namespace XenHotplug.Core.Configuration;

/// <summary>The words of every enum the configuration names, one table each.</summary>
public static class ConfigNames
{
    public static NameTable<PoolStrategy> Strategy { get; } = new(
        ("least-loaded", PoolStrategy.LeastLoaded), ("round-robin", PoolStrategy.RoundRobin),
        ("sticky", PoolStrategy.Sticky), ("least-traffic", PoolStrategy.LeastTraffic));

    public static NameTable<AntispoofMode> Antispoof { get; } = new(
        ("off", AntispoofMode.Off), ("mac", AntispoofMode.Mac), ("ip", AntispoofMode.Ip), ("dhcp", AntispoofMode.Dhcp), ("disabled", AntispoofMode.Disabled));

    public static NameTable<UnhealthyAction> WhenUnhealthy { get; } = new(
        ("fallback", UnhealthyAction.Fallback), ("fail", UnhealthyAction.Fail));

    public static NameTable<BridgeNaming> Naming { get; } = new(
        ("xenbr", BridgeNaming.Xenbr), ("legacy", BridgeNaming.Legacy));

    public static NameTable<NetworkBackend> Backend { get; } = new(
        ("netlink", NetworkBackend.Netlink), ("ip", NetworkBackend.Ip));

    public static NameTable<bool> YesNo { get; } = new(
        ("yes", true), ("no", false), ("true", true), ("false", false), ("on", true), ("off", false), ("1", true), ("0", false));
}
