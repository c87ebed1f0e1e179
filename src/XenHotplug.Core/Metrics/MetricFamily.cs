namespace XenHotplug.Core.Metrics;

/// <summary>A metric name with its HELP text, its TYPE and its samples (a family without samples is still listed: HELP and TYPE only).</summary>
public sealed record MetricFamily(string Name, MetricType Type, string Help, IReadOnlyList<MetricSample> Samples);
