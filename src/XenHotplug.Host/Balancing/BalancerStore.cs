using System.Text.Json;
using XenHotplug.Core.Balancing;
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

    public void Write(BalancerRecord record) =>
        AtomicFile.WriteText(Path, JsonSerializer.Serialize(record, BalancerJsonContext.Default.BalancerRecord) + "\n");
}
