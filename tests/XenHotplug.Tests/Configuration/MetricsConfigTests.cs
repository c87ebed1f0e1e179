using XenHotplug.Core.Configuration;
using XenHotplug.Core.Failures;
using XenHotplug.Host.Configuration;

namespace XenHotplug.Tests.Configuration;

public sealed class MetricsConfigTests
{
    private static MultibridgeConfig Load(string ini, Dictionary<string, string>? env = null) =>
        ConfigLoader.Build(IniDocument.Parse("/etc/xen/multibridge.ini", ini), env ?? []);

    [Fact]
    public void The_textfile_is_unset_by_default_and_read_from_the_metrics_section()
    {
        Assert.Null(Load("").Metrics.Textfile);
        Assert.Equal("/var/lib/prometheus/node-exporter/xen_multibridge.prom",
            Load("[metrics]\ntextfile = /var/lib/prometheus/node-exporter/xen_multibridge.prom\n").Metrics.Textfile);
        Assert.Equal("/tmp/m.prom", Load("", new() { ["XEN_MULTIBRIDGE_metrics__textfile"] = "/tmp/m.prom" }).Metrics.Textfile);
    }

    [Fact]
    public void A_relative_textfile_or_an_unknown_metrics_key_is_refused_in_one_line()
    {
        var relative = Assert.Throws<ConfigException>(() => Load("[metrics]\ntextfile = m.prom\n")).Message;
        Assert.Contains("[metrics] textfile: 'm.prom' must be an absolute path", relative, StringComparison.Ordinal);
        var unknown = Assert.Throws<ConfigException>(() => Load("[metrics]\nport = 9100\n")).Message;
        Assert.Contains("port", unknown, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', unknown);
    }
}
