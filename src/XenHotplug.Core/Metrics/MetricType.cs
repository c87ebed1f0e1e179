namespace XenHotplug.Core.Metrics;

/// <summary>The exposition format's TYPE of a family: a counter only goes up (until its source restarts), a gauge goes both ways.</summary>
public enum MetricType
{
    Counter,
    Gauge,
}
