namespace XenHotplug.Core.Configuration;

/// <summary>The [metrics] section (defaults and documentation: <see cref="ConfigSchema"/>).</summary>
public sealed record MetricsOptions
{
    /// <summary>
    /// The file `watch` replaces atomically after every pass with the metrics of `status --format prometheus`
    /// (node_exporter's textfile collector reads *.prom files from its directory); null: none.
    /// </summary>
    public string? Textfile { get; init; } = ConfigSchema.Textfile.Default;

    /// <summary>Whether vif-multibridge counts each run's outcome and duration in the run directory (hotplug-runs).</summary>
    public bool HotplugRuns { get; init; } = ConfigSchema.HotplugRuns.Default;
}
