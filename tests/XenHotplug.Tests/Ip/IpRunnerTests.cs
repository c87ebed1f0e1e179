using XenHotplug.Core.Network;
using XenHotplug.Host.Ip;

namespace XenHotplug.Tests.Ip;

public class IpRunnerTests
{
    [Theory]
    [InlineData("Cannot find device \"x\"\nCommand failed -:2\n", 2)]
    [InlineData("Error: something\nCommand failed -:13", 13)]
    [InlineData("garbage", 0)]
    public void Finds_the_failed_line(string stderr, int line) => Assert.Equal(line, IpRunner.FailedLine(stderr));

    [Fact]
    public void Refuses_arguments_that_would_break_the_batch()
    {
        Assert.Throws<ArgumentException>(() => new IpRunner("/bin/false").Run([new LinkSetAlias("vif1.0", "two words")]));
    }

    [Fact]
    public void Missing_ip_is_a_clear_error()
    {
        var e = Assert.Throws<NetOpException>(() => new IpRunner("/nonexistent/ip").Run([new LinkUp("x")]));
        Assert.Contains("cannot run '/nonexistent/ip'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_ip_that_hangs_is_killed_when_the_deadline_runs_out()
    {
        // `sleep 30` stands in for an ip stuck in a wedged driver; the hotplug has 300 ms left.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var e = Assert.Throws<NetOpException>(() => new IpRunner("sleep") { TimeLeft = () => TimeSpan.FromMilliseconds(300) }.Query(["30"]));

        Assert.Contains("did not finish within the 0.3 s left of the deadline and was killed", e.Message, StringComparison.Ordinal);
        Assert.InRange(clock.ElapsedMilliseconds, 250, 10_000);
    }

    [Fact]
    public void Bridge_create_is_stp_off_forward_delay_zero()
    {
        Assert.Equal("ip link add name br0 type bridge stp_state 0 forward_delay 0", new BridgeCreate("br0").ToString());
    }
}
