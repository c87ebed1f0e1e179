using System.Text.Json;
using XenHotplug.Core.Balancing;
using XenHotplug.Core.Configuration;
using XenHotplug.Host.RunState;

namespace XenHotplug.Host.Balancing;

/// <summary>
/// balancer.json in the run directory: recent moves, failover homes, moves under way, last measured bridge traffic
/// (replaced atomically). Read with <see cref="StateFile"/>: a FIFO, device, link or huge file in its place is never
/// waited on; it reads as an empty record and <c>warn</c> gets one line naming the file.
/// </summary>
public sealed class BalancerStore(string runDir)
{
    public const string FileName = "balancer.json";

    public string Path { get; } = System.IO.Path.Combine(runDir, FileName);

    /// <summary>The stored record, or an empty one when there is none or it cannot be read (<paramref name="warn"/> says why).</summary>
    public BalancerRecord Read(Action<string>? warn = null)
    {
        var text = StateFile.Read(Path, out var problem);
        if (problem is not null) warn?.Invoke(problem + "; the balancer starts from an empty record");
        if (text is null) return new BalancerRecord();
        try
        {
            return JsonSerializer.Deserialize(text, BalancerJsonContext.Default.BalancerRecord) ?? new BalancerRecord();
        }
        catch (JsonException e)
        {
            warn?.Invoke($"{Path} is damaged ({e.Message}); the balancer starts from an empty record");
            return new BalancerRecord();
        }
    }

    /// <summary>
    /// The bridge traffic `watch` measured last, when it is fresh (at most three intervals, and never more than a
    /// minute, old): what least-traffic placement weighs. Null otherwise (<paramref name="warn"/> says why when the
    /// file is there but cannot be read).
    /// </summary>
    public static IReadOnlyDictionary<string, double>? FreshRates(MultibridgeConfig config, Action<string>? warn = null)
    {
        var store = new BalancerStore(config.Hotplug.RunDir);
        var text = StateFile.Read(store.Path, out var problem);
        if (problem is not null) warn?.Invoke(problem + "; no traffic measurement is used");
        if (text is null) return null;
        BalancerRecord? record;
        try
        {
            record = JsonSerializer.Deserialize(text, BalancerJsonContext.Default.BalancerRecord);
        }
        catch (JsonException e)
        {
            warn?.Invoke($"{store.Path} is damaged ({e.Message}); no traffic measurement is used");
            return null;
        }
        var age = DateTimeOffset.UtcNow - record?.MeasuredAt;
        var limit = TimeSpan.FromSeconds(Math.Min(60, Math.Max(3 * config.Balancer.Interval, 5)));
        return age is { } a && a >= TimeSpan.Zero && a <= limit ? record!.BridgeRates : null;
    }

    public void Write(BalancerRecord record) =>
        AtomicFile.WriteText(Path, JsonSerializer.Serialize(record, BalancerJsonContext.Default.BalancerRecord) + "\n");
}
