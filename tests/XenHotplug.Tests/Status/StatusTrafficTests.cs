using System.Text.Json.Nodes;
using XenHotplug.Core.Status;

namespace XenHotplug.Tests.Status;

public sealed class StatusTrafficTests
{
    private static readonly StatusReport Measured = new(
    [
        new BridgeStatus("xenbr0", "xenbr0", "eth0", true, true, true, 1000, [], ["vif5.0"], ["lan"], true, "ok") { TrafficMbps = 87.5 },
        new BridgeStatus("xenbr1", "xenbr1", "eth1", true, true, true, 1000, [], [], ["lan"], true, "ok") { TrafficMbps = 0 },
    ]);

    [Fact]
    public void The_table_has_a_traffic_column_once_watch_has_measured()
    {
        var lines = Measured.RenderTable().TrimEnd('\n').Split('\n');
        Assert.Matches(@"^BRIDGE\s+UPLINK\s+CARRIER\s+SPEED\s+TRAFFIC\s+ADDRESSES\s+GUESTS\s+POOL\s+HEALTH$", lines[0]);
        Assert.Matches(@"^xenbr0\s+eth0\s+yes\s+1Gb/s\s+87\.5Mb/s\s+-\s+1 \(vif5\.0\)\s+lan\s+ok$", lines[1]);
        Assert.Matches(@"^xenbr1\s+eth1\s+yes\s+1Gb/s\s+0\.0Mb/s\s+-\s+0\s+lan\s+ok$", lines[2]);
        Assert.Equal(87.5, JsonNode.Parse(Measured.RenderJson())!["bridges"]![0]!["traffic_mbps"]!.GetValue<double>());
    }

    [Fact]
    public void Without_a_measurement_there_is_no_traffic_column_or_field()
    {
        var plain = new StatusReport(Measured.Bridges.Select(b => b with { TrafficMbps = null }).ToList());
        Assert.DoesNotContain("TRAFFIC", plain.RenderTable(), StringComparison.Ordinal);
        Assert.DoesNotContain("traffic", plain.RenderJson(), StringComparison.Ordinal);
    }
}
