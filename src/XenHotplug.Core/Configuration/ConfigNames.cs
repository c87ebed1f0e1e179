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

    public static NameTable<BondMode> BondMode { get; } = new(
        ("active-backup", Configuration.BondMode.ActiveBackup), ("802.3ad", Configuration.BondMode.Ieee8023ad),
        ("balance-xor", Configuration.BondMode.BalanceXor), ("balance-tlb", Configuration.BondMode.BalanceTlb),
        ("balance-alb", Configuration.BondMode.BalanceAlb), ("balance-rr", Configuration.BondMode.BalanceRr),
        ("broadcast", Configuration.BondMode.Broadcast), ("lacp", Configuration.BondMode.Ieee8023ad));

    /// <summary>The words the bonding driver takes for lacp_rate and xmit_hash_policy (the same strings, passed through).</summary>
    public static NameTable<int> LacpRate { get; } = new(("slow", 0), ("fast", 1));

    public static NameTable<int> XmitHashPolicy { get; } = new(
        ("layer2", 0), ("layer3+4", 1), ("layer2+3", 2), ("encap2+3", 3), ("encap3+4", 4), ("vlan+srcmac", 5));

    public static NameTable<bool> YesNo { get; } = new(
        ("yes", true), ("no", false), ("true", true), ("false", false), ("on", true), ("off", false), ("1", true), ("0", false));
}
