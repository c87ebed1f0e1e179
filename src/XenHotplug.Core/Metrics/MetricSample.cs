namespace XenHotplug.Core.Metrics;

/// <summary>One line of a family: its labels (in the order written) and its value.</summary>
public sealed record MetricSample(IReadOnlyList<KeyValuePair<string, string>> Labels, double Value)
{
    /// <summary>What follows the family's name on this line: a histogram's _bucket, _sum or _count; "" otherwise.</summary>
    public string Suffix { get; init; } = "";

    /// <summary>A sample without labels.</summary>
    public MetricSample(double value)
        : this([], value)
    {
    }
}
