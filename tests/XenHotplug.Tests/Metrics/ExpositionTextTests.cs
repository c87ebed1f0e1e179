using XenHotplug.Core.Metrics;

namespace XenHotplug.Tests.Metrics;

public sealed class ExpositionTextTests
{
    [Theory]
    [InlineData("web-1", "web-1")]
    [InlineData("a\\b", "a\\\\b")]
    [InlineData("say \"hi\"", "say \\\"hi\\\"")]
    [InlineData("two\nlines", "two\\nlines")]
    [InlineData("\\\"\n", "\\\\\\\"\\n")]
    public void Label_values_escape_backslash_double_quote_and_line_feed(string value, string escaped) =>
        Assert.Equal(escaped, ExpositionText.EscapeLabelValue(value));

    [Fact]
    public void A_hostile_guest_name_stays_inside_its_label_and_on_its_line()
    {
        var hostile = "evil\"} 1\n# TYPE xen_multibridge_healthy counter\nxen_multibridge_healthy{x=\"\\";
        var text = ExpositionText.Render([new MetricFamily("m_total", MetricType.Counter, "help", [new MetricSample([new("domain", hostile)], 7)])]);
        var lines = text.TrimEnd('\n').Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.Equal("m_total{domain=\"evil\\\"} 1\\n# TYPE xen_multibridge_healthy counter\\nxen_multibridge_healthy{x=\\\"\\\\\"} 7", lines[2]);
    }

    [Fact]
    public void Help_text_escapes_backslash_and_line_feed()
    {
        var text = ExpositionText.Render([new MetricFamily("m", MetricType.Gauge, "a\\b\nc", [])]);
        Assert.Equal("# HELP m a\\\\b\\nc\n# TYPE m gauge\n", text);
    }

    [Theory]
    [InlineData(0, "0")]
    [InlineData(125000000, "125000000")]
    [InlineData(0.25, "0.25")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    public void Values_are_written_as_the_format_reads_them(double value, string text) => Assert.Equal(text, ExpositionText.Value(value));
}
