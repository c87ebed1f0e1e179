using XenHotplug.Core.Network;
using XenHotplug.Core.Request;

namespace XenHotplug.Host.Hotplug;

/// <summary>
/// Waits, bounded, for the vif to appear: netback may create the device a little after libxl starts the
/// script. Polls sysfs (no process started).
/// </summary>
public static class DeviceWaiter
{
    public static bool WaitFor(Func<bool> present, TimeSpan timeout)
    {
        if (present()) return true;
        var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        var pause = 2;
        while (Environment.TickCount64 < deadline)
        {
            Thread.Sleep(pause);
            pause = Math.Min(pause * 2, 50);
            if (present()) return true;
        }
        return present();
    }

    /// <summary>True when the device libxl named exists, or its vifname does and carries our mark.</summary>
    public static bool DevicePresent(HotplugRequest request, VifSettings settings, ISysfsNet sysfs)
    {
        if (sysfs.Exists(request.Device)) return true;
        if (settings.VifName is not { } vifname) return false;
        var target = request.DeviceNameFor(vifname);
        return sysfs.Exists(target) && sysfs.InterfaceAlias(target) == request.OwnerAlias;
    }
}
