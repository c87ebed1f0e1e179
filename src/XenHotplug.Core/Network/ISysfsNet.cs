namespace XenHotplug.Core.Network;

/// <summary>What the kernel says about network interfaces (read from /sys/class/net, no process started).</summary>
public interface ISysfsNet
{
    bool Exists(string dev);
    bool IsBridge(string dev);

    /// <summary>The bridge the device is enslaved to, or null.</summary>
    string? Master(string dev);

    /// <summary>The ports of a bridge (empty when it is not one).</summary>
    IReadOnlyList<string> BridgePorts(string bridge);

    int? Mtu(string dev);
    string? Mac(string dev);

    /// <summary>IFF_UP administratively set.</summary>
    bool IsUp(string dev);

    /// <summary>Carrier present (false when down or unknown).</summary>
    bool HasCarrier(string dev);

    /// <summary>Link speed in Mb/s, or null when unknown.</summary>
    int? SpeedMbps(string dev);

    /// <summary>The interface alias (ifalias), or null when none is set.</summary>
    string? InterfaceAlias(string dev);

    /// <summary>True when the bridge filters by VLAN (vlan_filtering 1; false too on a kernel without VLAN filtering).</summary>
    bool FiltersVlans(string bridge);

    /// <summary>The VLAN a vlan_filtering bridge gives each new port as PVID, untagged (default_pvid; 0: none).</summary>
    int DefaultPvid(string bridge);

    /// <summary>All interface names.</summary>
    IReadOnlyList<string> Interfaces();
}
