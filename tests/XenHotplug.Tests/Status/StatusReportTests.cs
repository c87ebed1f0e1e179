using System.Text.Json.Nodes;
using XenHotplug.Core.Status;

namespace XenHotplug.Tests.Status;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class StatusReportTests
{
    private static readonly StatusReport Report = new(
    [
        new BridgeStatus("xenbr0", "xenbr0", "eth0", true, true, true, 10000, ["10.0.0.2/24", "fd00::2/64"], ["vif5.0", "vif7.0"], ["lan"], true, "ok"),
        new BridgeStatus("eth1", "xenbr1", "peth1", true, true, false, null, [], [], [], false, "uplink peth1 no carrier"),
        new BridgeStatus("xenhost", "xenhost", null, false, false, null, null, [], [], ["lan", "internal"], false, "missing"),
    ]);

    [Fact]
    public void Table_has_one_aligned_row_per_bridge()
    {
        var lines = Report.RenderTable().TrimEnd('\n').Split('\n');
        Assert.Equal(4, lines.Length);
        Assert.Matches(@"^BRIDGE\s+UPLINK\s+CARRIER\s+SPEED\s+ADDRESSES\s+GUESTS\s+POOL\s+HEALTH$", lines[0]);
        Assert.Matches(@"^xenbr0\s+eth0\s+yes\s+10Gb/s\s+10\.0\.0\.2/24,fd00::2/64\s+2 \(vif5\.0,vif7\.0\)\s+lan\s+ok$", lines[1]);
        Assert.Matches(@"^eth1 \(xenbr1\)\s+peth1\s+no\s+-\s+-\s+0\s+-\s+uplink peth1 no carrier$", lines[2]);
        Assert.Matches(@"^xenhost\s+-\s+-\s+-\s+-\s+0\s+lan,internal\s+missing$", lines[3]);
        var column = lines[0].IndexOf("UPLINK", StringComparison.Ordinal);
        Assert.All(lines.Skip(1), l => Assert.NotEqual(' ', l[column]));
        Assert.False(Report.Healthy);
    }

    [Fact]
    public void Json_for_tools()
    {
        var doc = JsonNode.Parse(Report.RenderJson())!;
        Assert.False(doc["healthy"]!.GetValue<bool>());
        var first = doc["bridges"]![0]!;
        Assert.Equal("xenbr0", first["name"]!.GetValue<string>());
        Assert.Equal(10000, first["speed_mbps"]!.GetValue<int>());
        Assert.Equal(2, first["guests"]!.AsArray().Count);
        Assert.Equal("uplink peth1 no carrier", doc["bridges"]![1]!["health"]!.GetValue<string>());
        Assert.Null(doc["bridges"]![2]!["uplink"]);
    }

    [Fact]
    public void Table_with_no_bridges()
    {
        Assert.Contains("no bridges declared", new StatusReport([]).RenderTable(), StringComparison.Ordinal);
        Assert.True(new StatusReport([]).Healthy);
    }
}
