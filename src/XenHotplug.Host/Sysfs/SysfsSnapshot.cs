using XenHotplug.Core.Network;

namespace XenHotplug.Host.Sysfs;

/// <summary>
/// The host as one hotplug sees it: every fact is read from sysfs once, the first time anyone asks, and kept
/// for the rest of the run (the policy, the planner and the rollback snapshot all ask the same questions).
/// Taken after the device appeared; a run that changes the host plans from this view and does not re-read it.
/// </summary>
public sealed class SysfsSnapshot(ISysfsNet live) : ISysfsNet
{
    private readonly Dictionary<(string, string), object?> _facts = [];
    private IReadOnlyList<string>? _interfaces;

    public bool Exists(string dev) => Fact(dev, "exists", () => live.Exists(dev));

    public bool IsBridge(string dev) => Fact(dev, "bridge", () => live.IsBridge(dev));

    public string? Master(string dev) => Fact(dev, "master", () => live.Master(dev));

    public IReadOnlyList<string> BridgePorts(string bridge) => Fact(bridge, "ports", () => live.BridgePorts(bridge));

    public int? Mtu(string dev) => Fact(dev, "mtu", () => live.Mtu(dev));

    public string? Mac(string dev) => Fact(dev, "mac", () => live.Mac(dev));

    public bool IsUp(string dev) => Fact(dev, "up", () => live.IsUp(dev));

    public bool HasCarrier(string dev) => Fact(dev, "carrier", () => live.HasCarrier(dev));

    public int? SpeedMbps(string dev) => Fact(dev, "speed", () => live.SpeedMbps(dev));

    public string? InterfaceAlias(string dev) => Fact(dev, "alias", () => live.InterfaceAlias(dev));

    public bool FiltersVlans(string bridge) => Fact(bridge, "vlan_filtering", () => live.FiltersVlans(bridge));

    public int DefaultPvid(string bridge) => Fact(bridge, "default_pvid", () => live.DefaultPvid(bridge));

    public IReadOnlyList<string> Interfaces() => _interfaces ??= live.Interfaces();

    private T Fact<T>(string dev, string what, Func<T> read)
    {
        if (_facts.TryGetValue((dev, what), out var known)) return (T)known!;
        var value = read();
        _facts[(dev, what)] = value;
        return value;
    }
}
