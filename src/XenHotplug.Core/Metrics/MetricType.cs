namespace XenHotplug.Core.Metrics;

/// <summary>
/// The exposition format's TYPE of a family: a counter only goes up (until its source restarts), a gauge goes both
/// ways, a histogram is cumulative _bucket{le} counters with their _sum and _count.
/// </summary>
public enum MetricType
{
    Counter,
    Gauge,
    Histogram,
}
