using System.Text.Json;
using XenHotplug.Core.Balancing;
using XenHotplug.Core.Configuration;
using XenHotplug.Host.RunState;

namespace XenHotplug.Host.Balancing;

/// <summary>balancer.json in the run directory: recent moves, failover homes, last measured bridge traffic (replaced atomically).</summary>
public sealed class BalancerStore(string runDir)
{
    public const string FileName = "balancer.json";

    public string Path { get; } = System.IO.Path.Combine(runDir, FileName);

    /// <summary>The stored record, or an empty one when there is none or it cannot be read.</summary>
    public BalancerRecord Read()
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(Path), BalancerJsonContext.Default.BalancerRecord) ?? new BalancerRecord();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return new BalancerRecord();
        }
    }

    /// <summary>
    /// The bridge traffic `watch` measured last, when it is fresh (at most three intervals, and never more than a
    /// minute, old): what least-traffic placement weighs. Null otherwise.
    /// </summary>
    public static IReadOnlyDictionary<string, double>? FreshRates(MultibridgeConfig config)
    {
        var store = new BalancerStore(config.Hotplug.RunDir);
        if (!File.Exists(store.Path)) return null;
        var record = store.Read();
        var age = DateTimeOffset.UtcNow - record.MeasuredAt;
        var limit = TimeSpan.FromSeconds(Math.Min(60, Math.Max(3 * config.Balancer.Interval, 5)));
        return age is { } a && a >= TimeSpan.Zero && a <= limit ? record.BridgeRates : null;
    }

    public void Write(BalancerRecord record) =>
        AtomicFile.WriteText(Path, JsonSerializer.Serialize(record, BalancerJsonContext.Default.BalancerRecord) + "\n");
}
