using System.Globalization;
using XenHotplug.Core.Naming;
using XenHotplug.Core.Network;
using XenHotplug.Host.Native;

namespace XenHotplug.Host.Sysfs;

/// <summary><see cref="ISysfsNet"/> on /sys/class/net (the network namespace's own view under `ip netns exec`).</summary>
public sealed class SysfsNet(string root = "/sys/class/net") : ISysfsNet
{
    private const int IffUp = 0x1;

    public bool Exists(string dev) => InterfaceName.IsValid(dev) && Directory.Exists(Path.Combine(root, dev));

    public bool IsBridge(string dev) => InterfaceName.IsValid(dev) && Directory.Exists(Path.Combine(root, dev, "bridge"));

    public string? Master(string dev)
    {
        if (!InterfaceName.IsValid(dev)) return null;
        try
        {
            var link = new FileInfo(Path.Combine(root, dev, "master")).LinkTarget;
            return link is null ? null : Path.GetFileName(link);
        }
        catch (IOException)
        {
            return null;
        }
    }

    public IReadOnlyList<string> BridgePorts(string bridge)
    {
        if (!InterfaceName.IsValid(bridge)) return [];
        var dir = Path.Combine(root, bridge, "brif");
        try
        {
            // Names only: Directory.GetFileSystemEntries stats every entry (brif's are symlinks), two system calls a port,
            // and a bridge has up to 1024 ports.
            var names = LibC.DirectoryNames(dir) ?? [];
            names.Sort(StringComparer.Ordinal);
            return names;
        }
        catch (IOException)
        {
            return [];
        }
    }

    public int? Mtu(string dev) => int.TryParse(ReadAttr(dev, "mtu"), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null;

    public string? Mac(string dev) => ReadAttr(dev, "address");

    public bool IsUp(string dev)
    {
        var flags = ReadAttr(dev, "flags");
        return flags is not null && flags.StartsWith("0x", StringComparison.Ordinal)
            && int.TryParse(flags.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var f) && (f & IffUp) != 0;
    }

    public bool HasCarrier(string dev) => ReadAttr(dev, "carrier") == "1";

    public int? SpeedMbps(string dev) =>
        int.TryParse(ReadAttr(dev, "speed"), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) && v > 0 ? v : null;

    public string? InterfaceAlias(string dev) => ReadAttr(dev, "ifalias") is { Length: > 0 } a ? a : null;

    public bool FiltersVlans(string bridge) => ReadAttr(bridge, "bridge/vlan_filtering") == "1";

    public int DefaultPvid(string bridge) =>
        int.TryParse(ReadAttr(bridge, "bridge/default_pvid"), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0;

    public IReadOnlyList<string> Interfaces()
    {
        try
        {
            return Directory.GetFileSystemEntries(root).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList();
        }
        catch (IOException)
        {
            return [];
        }
    }

    private string? ReadAttr(string dev, string attr)
    {
        if (!InterfaceName.IsValid(dev)) return null;
        try
        {
            return File.ReadAllText(Path.Combine(root, dev, attr)).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // carrier/speed of a down link read as EINVAL: unknown.
            return null;
        }
    }
}
