using XenHotplug.Core.Configuration;
using XenHotplug.Core.Network;
using XenHotplug.Core.Request;
using XenHotplug.Host.Native;
using XenHotplug.Host.Netlink;

namespace XenHotplug.Host.Hotplug;

/// <summary>
/// The host half of the identity guard: reads what <see cref="IdentityGuard"/> decides on (sysfs, and the
/// link's addresses over rtnetlink, no process) and refuses a device that is not this guest's.
/// </summary>
public static class DeviceIdentity
{
    /// <summary>The facts about <paramref name="name"/>; <paramref name="holdsAddresses"/> null means ask the kernel.</summary>
    public static DeviceFacts Read(ISysfsNet sysfs, string name, Func<string, bool>? holdsAddresses = null)
    {
        var exists = sysfs.Exists(name);
        return new DeviceFacts(
            exists,
            exists && sysfs.IsBridge(name),
            name == "lo",
            exists ? sysfs.InterfaceAlias(name) : null,
            exists ? sysfs.Master(name) : null,
            exists && (holdsAddresses ?? HoldsAddresses)(name));
    }

    /// <summary>
    /// Throws a one-line refusal unless <paramref name="name"/> is demonstrably this guest's device. The
    /// addresses are only asked for a name other than libxl's (the guard flushes those of netback's own
    /// device, as vif-bridge does), so the common hotplug costs no netlink round trip.
    /// </summary>
    public static void Check(HotplugRequest request, string name, ISysfsNet sysfs, MultibridgeConfig config, Func<string, bool>? holdsAddresses = null) =>
        IdentityGuard.Check(request, name, Read(sysfs, name, name == request.Device ? _ => false : holdsAddresses), config);

    /// <summary>True when the link holds an IPv4 address or an IPv6 address beyond link-local (false when it is gone).</summary>
    public static bool HoldsAddresses(string name)
    {
        try
        {
            using var netlink = new RtnetlinkSocket();
            return netlink.HoldsAddresses(netlink.IndexOf(name));
        }
        catch (NetlinkException e) when (e.Errno == Errno.ENODEV)
        {
            return false; // vanished meanwhile: nothing to protect
        }
    }
}
