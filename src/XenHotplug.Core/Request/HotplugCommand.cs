namespace XenHotplug.Core.Request;

/// <summary>What libxl or udev asks for: online/offline (a vif), add/remove (a tap).</summary>
public enum HotplugCommand
{
    Online,
    Offline,
    Add,
    Remove,
}
