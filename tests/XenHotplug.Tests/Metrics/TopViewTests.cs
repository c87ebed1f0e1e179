using XenHotplug.Core.Balancing;
using XenHotplug.Core.Metrics;
using XenHotplug.Core.Status;

namespace XenHotplug.Tests.Metrics;

public sealed class TopViewTests
{
    private static readonly StatusReport Report = new(
    [
        new BridgeStatus("xenbr0", "xenbr0", "enp3s0f0", true, true, true, 1000, [], ["vif1.0", "vif2.0"], ["lan"], true, "ok"),
        new BridgeStatus("xenbr1", "xenbr1", "enp4s0", true, true, false, 10000, [], ["vif3.0"], ["lan"], false, "uplink enp4s0 no carrier"),
    ]);

    private static MetricsInput Sample(long scale) => new(Report)
    {
        Bytes = new Dictionary<string, DeviceBytes>(StringComparer.Ordinal)
        {
            ["enp3s0f0"] = new(62_500_000 * scale, 12_500_000 * scale), // over 1 s: 500 and 100 Mb/s
            ["enp4s0"] = new(0, 0),
            ["vif1.0"] = new(1_250_000 * scale, 0),                     // sent 10 Mb/s
            ["vif2.0"] = new(12_500_000 * scale, 2_500_000 * scale),    // sent 100, received 20
            ["vif3.0"] = new(0, 0),
        },
        Guests = new Dictionary<string, GuestIdentity>(StringComparer.Ordinal)
        {
            ["vif1.0"] = new(1, "web"),
            ["vif2.0"] = new(2, "db\e]0;owned\a"),
            ["vif3.0"] = new(3, new string('x', 60)),
        },
        Balancer = new BalancerRecord { Moves = [new MoveRecord("vif3.0", "xenbr0", "xenbr1", MoveKind.Failover, DateTimeOffset.Parse("2026-12-03T19:00:05Z", System.Globalization.CultureInfo.InvariantCulture))] },
    };

    private static readonly DateTimeOffset At = DateTimeOffset.Parse("2026-12-03T19:00:10Z", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void The_screen_shows_uplink_rates_against_the_link_speed_and_guests_by_traffic_in_80_columns()
    {
        var lines = TopView.Render(Sample(2), Sample(1), 1, At, 5);
        Assert.Equal("network-multibridge top: 2 bridges, 3 guests, every 5 s" + new string(' ', 13) + "19:00:10 UTC", lines[0]);
        Assert.Equal(80, lines[0].Length);
        Assert.Equal("xenbr0   enp3s0f0  yes 1G        500     100   2 [######......] ok", lines[3]);
        Assert.Equal("xenbr1   enp4s0    no  10G       0.0     0.0   1 [............] no carrier", lines[4]);
        var guests = lines.SkipWhile(l => !l.StartsWith("GUEST", StringComparison.Ordinal)).Skip(1).TakeWhile(l => l.Length > 0).ToList();
        Assert.Equal(["vif2.0", "vif1.0", "vif3.0"], guests.Select(l => l.Split(' ')[0]));
        Assert.Contains("db?]0;owned?", guests[0], StringComparison.Ordinal);
        Assert.Contains("xxxxxxxxxxxxxxxxxxx~", guests[2], StringComparison.Ordinal);
        Assert.Equal("19:00:05  vif3.0 xenbr0 -> xenbr1  failover", lines[^1]);
        Assert.All(lines, l => Assert.True(l.Length <= 80, l));
        Assert.DoesNotContain(lines, l => l.Any(char.IsControl));
    }

    [Fact]
    public void Without_a_previous_sample_rates_are_dashes_and_a_short_screen_counts_the_guests_it_leaves_out()
    {
        var lines = TopView.Render(Sample(1), null, 0, At, 5, height: 12);
        Assert.Matches(@"^xenbr0\s+enp3s0f0\s+yes\s+1G\s+-\s+-\s+2\s+ok$", lines[3]);
        Assert.Contains("... 2 more", lines);
    }
}
