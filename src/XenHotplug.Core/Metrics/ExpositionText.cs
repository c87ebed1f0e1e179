using System.Globalization;
using System.Text;

namespace XenHotplug.Core.Metrics;

/// <summary>
/// Prometheus' text exposition format (version 0.0.4): per family a HELP and a TYPE line, then one line per sample,
/// `name{label="value",...} value`. Label values are escaped as the format says (backslash, double quote, line feed),
/// so a guest's hostile name can neither end the value nor start a line of its own; HELP text escapes backslash and
/// line feed.
/// </summary>
public static class ExpositionText
{
    /// <summary>The Content-Type a scrape endpoint would send (and node_exporter's textfile collector expects).</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static string Render(IEnumerable<MetricFamily> families)
    {
        var text = new StringBuilder();
        foreach (var family in families)
        {
            text.Append("# HELP ").Append(family.Name).Append(' ').Append(EscapeHelp(family.Help)).Append('\n');
            text.Append("# TYPE ").Append(family.Name).Append(' ').Append(TypeName(family.Type)).Append('\n');
            foreach (var sample in family.Samples)
            {
                text.Append(family.Name).Append(sample.Suffix);
                if (sample.Labels.Count > 0)
                {
                    text.Append('{');
                    for (var i = 0; i < sample.Labels.Count; i++)
                    {
                        if (i > 0) text.Append(',');
                        text.Append(sample.Labels[i].Key).Append("=\"").Append(EscapeLabelValue(sample.Labels[i].Value)).Append('"');
                    }
                    text.Append('}');
                }
                text.Append(' ').Append(Value(sample.Value)).Append('\n');
            }
        }
        return text.ToString();
    }

    private static string TypeName(MetricType type) => type switch
    {
        MetricType.Counter => "counter",
        MetricType.Histogram => "histogram",
        _ => "gauge",
    };

    /// <summary>A label value as the format writes it between double quotes: \ as \\, " as \", line feed as \n.</summary>
    public static string EscapeLabelValue(string value)
    {
        if (value.AsSpan().IndexOfAny("\\\"\n") < 0) return value;
        var text = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            text.Append(c switch
            {
                '\\' => "\\\\",
                '"' => "\\\"",
                '\n' => "\\n",
                _ => c.ToString(),
            });
        }
        return text.ToString();
    }

    /// <summary>HELP text: \ as \\, line feed as \n.</summary>
    public static string EscapeHelp(string help) => help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    /// <summary>A value: integers without a fraction, others round-trip, and the format's NaN, +Inf, -Inf.</summary>
    public static string Value(double value)
    {
        if (double.IsNaN(value)) return "NaN";
        if (double.IsPositiveInfinity(value)) return "+Inf";
        if (double.IsNegativeInfinity(value)) return "-Inf";
        if (value == Math.Floor(value) && Math.Abs(value) < 1e15) return ((long)value).ToString(CultureInfo.InvariantCulture);
        return value.ToString("R", CultureInfo.InvariantCulture);
    }
}
