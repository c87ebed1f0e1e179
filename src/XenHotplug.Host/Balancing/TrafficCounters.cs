using System.Diagnostics;
using System.Globalization;

namespace XenHotplug.Host.Balancing;

/// <summary>
/// Rates from the kernel's interface counters (/sys/class/net/DEV/statistics/rx_bytes + tx_bytes): each
/// <see cref="Sample"/> returns bytes/s per device since the previous one (devices new since then: no rate yet).
/// </summary>
public sealed class TrafficCounters(string root = "/sys/class/net")
{
    private Dictionary<string, long> _last = new(StringComparer.Ordinal);
    private long _lastTicks;

    /// <summary>The seconds the last rates cover (0 before the second sample).</summary>
    public double WindowSeconds { get; private set; }

    public IReadOnlyDictionary<string, double> Sample(IEnumerable<string> devices)
    {
        var now = Stopwatch.GetTimestamp();
        var seconds = _lastTicks == 0 ? 0 : (double)(now - _lastTicks) / Stopwatch.Frequency;
        var current = new Dictionary<string, long>(StringComparer.Ordinal);
        var rates = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var dev in devices)
        {
            if (Bytes(dev) is not { } bytes) continue;
            current[dev] = bytes;
            if (seconds > 0 && _last.TryGetValue(dev, out var before) && bytes >= before)
                rates[dev] = (bytes - before) / seconds;
        }
        _last = current;
        _lastTicks = now;
        WindowSeconds = seconds;
        return rates;
    }

    private long? Bytes(string dev)
    {
        long total = 0;
        foreach (var counter in new[] { "rx_bytes", "tx_bytes" })
        {
            try
            {
                if (!long.TryParse(File.ReadAllText(Path.Combine(root, dev, "statistics", counter)).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var v))
                    return null;
                total += v;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return null;
            }
        }
        return total;
    }
}
