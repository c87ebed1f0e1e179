using XenHotplug.Core.Naming;

namespace XenHotplug.Core.Network;

/// <summary>
/// Which ports of a bridge are guests' NICs: libxl's names (vifD.V, vifD.V-emu) or a device vif-multibridge marked
/// with its alias (a renamed vifname, and its -emu twin). An administrator's tap, veth or any other port is no guest:
/// placement and the balancer never count or move it.
/// </summary>
public static class GuestPorts
{
    /// <summary>The alias prefix vif-multibridge sets on a device it renamed (xen-vif-DOMID.DEVID).</summary>
    public const string AliasPrefix = "xen-vif-";

    /// <summary>The guest vifs on a bridge; the uplink and other ports do not count.</summary>
    public static List<string> On(ISysfsNet sysfs, string bridge, string? uplink) =>
        sysfs.BridgePorts(bridge).Where(p => p != uplink && IsGuestPort(sysfs, p)).ToList();

    /// <summary>True for libxl's name of a guest NIC or a device carrying our mark.</summary>
    public static bool IsGuestPort(ISysfsNet sysfs, string port) =>
        VifNames.IsGuestDevice(port) || (sysfs.InterfaceAlias(port)?.StartsWith(AliasPrefix, StringComparison.Ordinal) ?? false);

    /// <summary>
    /// Ports `stop` will not pull a bridge from under without --force: the guests, and also anything named like a
    /// guest's port (vif*, tap*): stopping a bridge never detaches what may be someone's, guest or not.
    /// </summary>
    public static List<string> Attached(ISysfsNet sysfs, string bridge, string? uplink) =>
        sysfs.BridgePorts(bridge).Where(p => p != uplink && (IsGuestPort(sysfs, p)
            || p.StartsWith("vif", StringComparison.Ordinal) || p.StartsWith("tap", StringComparison.Ordinal))).ToList();
}
