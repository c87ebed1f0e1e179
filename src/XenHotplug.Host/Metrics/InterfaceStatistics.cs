using System.Globalization;
using XenHotplug.Core.Metrics;
using XenHotplug.Core.Naming;

namespace XenHotplug.Host.Metrics;

/// <summary>A device's byte counters from /sys/class/net/DEV/statistics (two small reads, no process, no netlink dump).</summary>
public sealed class InterfaceStatistics(string root = "/sys/class/net")
{
    /// <summary>The counters, or null when the device is gone (or its counters cannot be read).</summary>
    public DeviceBytes? Read(string dev)
    {
        if (!InterfaceName.IsValid(dev)) return null;
        return Counter(dev, "rx_bytes") is { } rx && Counter(dev, "tx_bytes") is { } tx ? new DeviceBytes(rx, tx) : null;
    }

    private long? Counter(string dev, string name)
    {
        try
        {
            return long.TryParse(File.ReadAllText(Path.Combine(root, dev, "statistics", name)).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
