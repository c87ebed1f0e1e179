using Serilog;
using XenHotplug.Core.Bridges;
using XenHotplug.Core.Configuration;
using XenHotplug.Core.Failures;
using XenHotplug.Core.Metrics;
using XenHotplug.Core.Network;
using XenHotplug.Host.RunState;

namespace XenHotplug.Host.Metrics;

/// <summary>
/// watch's [metrics] textfile: after each pass, the metrics of `status --format prometheus` replace the file whole
/// (<see cref="AtomicFile"/>: written beside it, renamed over it), so node_exporter's textfile collector never reads
/// half a file. A failure is one journal line (again only when it changes) and never stops the balancer.
/// </summary>
public sealed class MetricsTextfile(string path, MultibridgeConfig config, IReadOnlyList<BridgeSpec> specs, INetworkRunner runner, ISysfsNet sysfs, ILogger log)
{
    private string? _failing;

    public string Path { get; } = path;

    public void Write()
    {
        try
        {
            void Quiet(string problem) => log.Debug("{Problem}", problem); // status says them; every interval would be noise
            var report = StatusReader.Read(config, specs, runner, sysfs, Quiet);
            var text = StatusMetrics.Render(new MetricsCollector(config, sysfs, Quiet).Collect(report));
            // Not flushed to disk: the metrics of a moment mean nothing after a reboot.
            AtomicFile.WriteText(Path, text, flushToDisk: false);
            if (_failing is not null) log.Information("the metrics textfile {File} is written again", Path);
            _failing = null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or XenHotplugException)
        {
            if (_failing != e.Message) log.Warning("cannot write the metrics textfile {File}: {Error}; the balancer carries on", Path, e.Message);
            _failing = e.Message;
        }
    }
}
