namespace XenHotplug.Core.Network;

/// <summary>Which ports of a bridge are guests' NICs: named vif*/tap*, or marked by vif-multibridge's alias.</summary>
public static class GuestPorts
{
    /// <summary>The alias prefix vif-multibridge sets on a device it renamed (xen-vif-DOMID.DEVID).</summary>
    public const string AliasPrefix = "xen-vif-";

    /// <summary>The guest vifs on a bridge; the uplink and other ports do not count.</summary>
    public static List<string> On(ISysfsNet sysfs, string bridge, string? uplink) =>
        sysfs.BridgePorts(bridge).Where(p => p != uplink && IsGuestPort(sysfs, p)).ToList();

    public static bool IsGuestPort(ISysfsNet sysfs, string port) =>
        port.StartsWith("vif", StringComparison.Ordinal) || port.StartsWith("tap", StringComparison.Ordinal)
        || (sysfs.InterfaceAlias(port)?.StartsWith(AliasPrefix, StringComparison.Ordinal) ?? false);
}
