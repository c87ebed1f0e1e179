using System.Globalization;
using System.Text.RegularExpressions;
using XenHotplug.IntegrationTests.Balancing;
using XenHotplug.TestSupport;
using Xunit.Abstractions;

namespace XenHotplug.IntegrationTests.Metrics;

/// <summary>
/// `status --format prometheus` on the balancer's simulated dom0 (BalancerTests' three uplinks on one lan switch):
/// real kernel counters, a real failover and rebalance by `balance`, a guest with a hostile name, and the output
/// checked by promtool.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed partial class PrometheusMetricsTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>A domain name that would end its label and start lines of its own if it were not escaped.</summary>
    internal const string Hostile = "evil\"} 1\nxen_multibridge_healthy 1\n\\";

    private readonly List<SimulatedDom0> _hosts = [];

    public void Dispose()
    {
        foreach (var h in _hosts) h.Dispose();
    }

    private (SimulatedDom0 Host, Netns Lan) Host()
    {
        var made = BalancerTests.NewHost(BalancerTests.Config(shared: true));
        _hosts.Add(made.Host);
        for (var d = 1; d <= 4; d++)
        {
            made.Host.AddGuest(d, 0, "pool:p", $"10.99.0.{10 + d}/24", name: d == 1 ? Hostile : null);
            BalancerTests.Online(made.Host, d);
        }
        return made;
    }

    private string Metrics(SimulatedDom0 host)
    {
        var r = host.Dom0.Exec(Binaries.Network, ["status", "--format", "prometheus"], BalancerTests.Env(host), TimeSpan.FromSeconds(30));
        Assert.True(r.Ok, r.ToString());
        var check = Promtool.CheckMetrics(r.StdOut);
        output.WriteLine(check.ToString());
        Assert.True(check.Ok, "promtool check metrics: " + check + "\n" + r.StdOut);
        return r.StdOut;
    }

    private static double Value(string text, string series)
    {
        var line = text.Split('\n').SingleOrDefault(l => l.StartsWith(series + " ", StringComparison.Ordinal));
        Assert.True(line is not null, $"no {series} in\n{text}");
        return double.Parse(line![(series.Length + 1)..], CultureInfo.InvariantCulture);
    }

    [Fact]
    public void The_metrics_of_a_real_failover_and_rebalance_pass_promtool_check_metrics()
    {
        var (host, lan) = Host();
        for (var d = 1; d <= 4; d++) Assert.True(host.Guest(d).Ping("10.99.0.1"), $"guest {d}");
        var before = Metrics(host);
        Assert.Equal(1, Value(before, "xen_multibridge_healthy"));
        Assert.Equal(2, Value(before, "xen_multibridge_bridge_guests{bridge=\"xbr0\",pool=\"p\",uplink=\"u0\"}"));
        Assert.Equal(1, Value(before, "xen_multibridge_uplink_carrier{bridge=\"xbr0\",pool=\"p\",uplink=\"u0\"}"));
        Assert.True(Value(before, "xen_multibridge_uplink_transmit_bytes_total{bridge=\"xbr0\",pool=\"p\",uplink=\"u0\"}") > 0, before);
        // The hostile name stays one escaped label value: vif1.0's series, on one line of its own.
        var hostileSeries = "xen_multibridge_guest_receive_bytes_total{vif=\"vif1.0\",domain=\"evil\\\"} 1\\nxen_multibridge_healthy 1\\n\\\\\",domid=\"1\",bridge=\"xbr0\"}";
        Assert.True(Value(before, hostileSeries) > 0, before);
        Assert.Single(before.Split('\n'), l => l.StartsWith("xen_multibridge_healthy ", StringComparison.Ordinal));
        Assert.True(Value(before, "xen_multibridge_guest_transmit_bytes_total{vif=\"vif2.0\",domain=\"guest2\",domid=\"2\",bridge=\"xbr1\"}") > 0, before);
        Assert.DoesNotContain("balancer_moves_total", before, StringComparison.Ordinal); // no balancer has run: no record
        // The four real onlines of Host(), counted by vif-multibridge in the run directory.
        Assert.Equal(4, Value(before, "xen_multibridge_hotplug_runs_total{action=\"online\",result=\"success\",reason=\"none\"}"));
        Assert.Equal(0, Value(before, "xen_multibridge_hotplug_runs_total{action=\"offline\",result=\"success\",reason=\"none\"}"));
        Assert.Equal(4, Value(before, "xen_multibridge_hotplug_duration_seconds_count{action=\"online\"}"));
        Assert.Equal(4, Value(before, "xen_multibridge_hotplug_duration_seconds_bucket{action=\"online\",le=\"+Inf\"}"));
        Assert.InRange(Value(before, "xen_multibridge_hotplug_duration_seconds_sum{action=\"online\"}"), 1e-4, 4 * 25);

        lan.Ip("link", "set", "l0", "down");
        var failover = host.Dom0.Exec(Binaries.Network, ["balance"], BalancerTests.Env(host, "0.2"), TimeSpan.FromSeconds(60));
        Assert.True(failover.Ok, failover.ToString());
        var after = Metrics(host);
        output.WriteLine(after);
        Assert.Equal(0, Value(after, "xen_multibridge_healthy"));
        Assert.Equal(0, Value(after, "xen_multibridge_uplink_carrier{bridge=\"xbr0\",pool=\"p\",uplink=\"u0\"}"));
        Assert.Equal(0, Value(after, "xen_multibridge_bridge_guests{bridge=\"xbr0\",pool=\"p\",uplink=\"u0\"}"));
        Assert.Equal(2, Value(after, "xen_multibridge_balancer_moves_total{reason=\"failover\"}"));
        Assert.Equal(0, Value(after, "xen_multibridge_balancer_moves_total{reason=\"rebalance\"}"));
        var pass = Value(after, "xen_multibridge_balancer_last_pass_duration_seconds");
        Assert.InRange(pass, 1e-6, 30);
        Assert.Matches(GuestOn("vif1.0", "xbr[12]"), after);

        // Carrier back: the idle pool, now 0 / 2 / 2, is evened out by count (a rebalance move).
        lan.Ip("link", "set", "l0", "up");
        var rebalance = host.Dom0.Exec(Binaries.Network, ["balance"], BalancerTests.Env(host, "0.2"), TimeSpan.FromSeconds(60));
        Assert.True(rebalance.Ok, rebalance.ToString());
        Assert.Contains("rebalance", rebalance.StdOut, StringComparison.Ordinal);
        var last = Metrics(host);
        Assert.Equal(1, Value(last, "xen_multibridge_healthy"));
        Assert.Equal(2, Value(last, "xen_multibridge_balancer_moves_total{reason=\"failover\"}"));
        Assert.Equal(1, Value(last, "xen_multibridge_balancer_moves_total{reason=\"rebalance\"}"));
        Assert.Equal(1, Value(last, "xen_multibridge_bridge_guests{bridge=\"xbr0\",pool=\"p\",uplink=\"u0\"}"));
    }

    [Fact]
    public void Status_metrics_need_no_root_and_no_xenstore()
    {
        var (host, _) = Host();
        var r = host.NetworkToolAsNobody("status", "--format", "prometheus"); // no XENSTORED_PATH: no xenstore either
        Assert.True(r.Ok, r.ToString());
        Assert.True(Promtool.CheckMetrics(r.StdOut).Ok, r.StdOut);
        // Without xenstore the domid still comes from the vif's name; the domain's name is unknown.
        Assert.Contains("{vif=\"vif2.0\",domain=\"\",domid=\"2\",bridge=\"xbr1\"}", r.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public void The_readme_alert_rules_pass_promtool_check_rules()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "XenHotplug.sln"))) dir = dir.Parent;
        var readme = File.ReadAllLines(Path.Combine(dir!.FullName, "README.md"));
        var start = Array.FindIndex(readme, l => l == "    groups:");
        Assert.True(start >= 0, "README.md has no alert rules");
        var rules = readme.Skip(start).TakeWhile(l => l.Length > 0).Select(l => l[4..]);
        var file = Path.Combine(Path.GetTempPath(), $"xmb-rules-{Guid.NewGuid():N}.yml");
        File.WriteAllLines(file, rules);
        try
        {
            var r = Proc.Run(Promtool.Path, ["check", "rules", file], timeout: TimeSpan.FromSeconds(30));
            Assert.True(r.Ok, r.ToString());
            Assert.Contains("SUCCESS: 2 rules found", r.StdOut, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static Regex GuestOn(string vif, string bridge) =>
        new($"^xen_multibridge_guest_transmit_bytes_total\\{{vif=\"{Regex.Escape(vif)}\",[^\\n]*bridge=\"{bridge}\"\\}} [0-9]+$", RegexOptions.Multiline);
}
