namespace XenHotplug.Core.Metrics;

/// <summary>One line of a family: its labels (in the order written) and its value.</summary>
public sealed record MetricSample(IReadOnlyList<KeyValuePair<string, string>> Labels, double Value)
{
    /// <summary>A sample without labels.</summary>
    public MetricSample(double value)
        : this([], value)
    {
    }
}
