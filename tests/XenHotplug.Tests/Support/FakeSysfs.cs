using XenHotplug.Core.Network;

namespace XenHotplug.Tests.Support;

/// <summary>An in-memory /sys/class/net for the pure parts' tests.</summary>
public sealed class FakeSysfs : ISysfsNet
{
    public sealed class Link
    {
        public bool Bridge { get; set; }
        public string? Master { get; set; }
        public int Mtu { get; set; } = 1500;
        public string Mac { get; set; } = "00:16:3e:00:00:01";
        public bool Up { get; set; } = true;
        public bool Carrier { get; set; } = true;
        public string? Alias { get; set; }
        public bool VlanFiltering { get; set; }
        public int DefaultPvid { get; set; } = 1;
    }

    public Dictionary<string, Link> Links { get; } = new(StringComparer.Ordinal);

    public FakeSysfs Add(string name, bool bridge = false, string? master = null, int mtu = 1500, bool up = true, bool carrier = true, string? alias = null)
    {
        Links[name] = new Link { Bridge = bridge, Master = master, Mtu = mtu, Up = up, Carrier = carrier, Alias = alias };
        return this;
    }

    public bool Exists(string dev) => Links.ContainsKey(dev);
    public bool IsBridge(string dev) => Links.TryGetValue(dev, out var l) && l.Bridge;
    public string? Master(string dev) => Links.TryGetValue(dev, out var l) ? l.Master : null;
    public IReadOnlyList<string> BridgePorts(string bridge) => Links.Where(kv => kv.Value.Master == bridge).Select(kv => kv.Key).Order(StringComparer.Ordinal).ToList();
    public int? Mtu(string dev) => Links.TryGetValue(dev, out var l) ? l.Mtu : null;
    public string? Mac(string dev) => Links.TryGetValue(dev, out var l) ? l.Mac : null;
    public bool IsUp(string dev) => Links.TryGetValue(dev, out var l) && l.Up;
    public bool HasCarrier(string dev) => Links.TryGetValue(dev, out var l) && l.Up && l.Carrier;
    /// <summary>Link speeds in Mb/s by device (none: unknown).</summary>
    public Dictionary<string, int> Speeds { get; } = new(StringComparer.Ordinal);

    public int? SpeedMbps(string dev) => Speeds.TryGetValue(dev, out var speed) ? speed : null;
    public string? InterfaceAlias(string dev) => Links.TryGetValue(dev, out var l) ? l.Alias : null;
    public bool FiltersVlans(string bridge) => Links.TryGetValue(bridge, out var l) && l.Bridge && l.VlanFiltering;
    public int DefaultPvid(string bridge) => Links.TryGetValue(bridge, out var l) ? l.DefaultPvid : 0;
    public IReadOnlyList<string> Interfaces() => Links.Keys.Order(StringComparer.Ordinal).ToList();
}
