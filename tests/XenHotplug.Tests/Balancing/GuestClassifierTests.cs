using XenHotplug.Core.Balancing;
using XenHotplug.Core.Configuration;
using XenHotplug.Tests.Support;

namespace XenHotplug.Tests.Balancing;

public class GuestClassifierTests
{
    private static readonly MultibridgeConfig Config = TestConfig.Load("""
        [policy]
        auto_bridge = xenbr0
        default_pool = web
        [bridge:xenbr0]
        uplink = eth0
        [bridge:xenbr1]
        uplink = eth1
        [pool:web]
        bridges = xenbr0 xenbr1
        shared_segment = yes
        failback = yes
        [pool:db]
        bridges = xenbr1
        [domain:db-*]
        pool = db
        [domain:pin-*]
        bridge = xenbr1
        """, "/etc/xen/multibridge.ini");

    [Theory]
    [InlineData("xenbr1", "web-1", null, "explicit bridge=xenbr1")]
    [InlineData("pool:web", "pin-1", null, "rule [domain:pin-*] bridge = xenbr1")]
    [InlineData("pool:web", "db-1", "db", null)]
    [InlineData("pool:web", "web-1", "web", null)]
    [InlineData("xenbr0", "web-1", "web", null)]
    [InlineData(null, null, "web", null)]
    [InlineData("pool:nope", "x", null, "unknown pool 'nope'")]
    public void Follows_the_placement_precedence(string? bridge, string? name, string? pool, string? pinned)
    {
        Assert.Equal((pool, pinned), GuestClassifier.Classify(Config, bridge, name));
    }

    [Fact]
    public void Reads_the_balancer_keys()
    {
        Assert.True(Config.Pools["web"].SharedSegment);
        Assert.True(Config.Pools["web"].Failback);
        Assert.False(Config.Pools["db"].SharedSegment);
        Assert.Equal(1.25, Config.Balancer.Threshold);
        var tuned = TestConfig.Load("[balancer]\ninterval = 2\nthreshold = 1.5\nmax_moves_per_minute = 10\nhold = 30\nmin_rate = 5\nannounce = no\n", "/x.ini");
        Assert.Equal(new BalancerOptions { Interval = 2, Threshold = 1.5, MaxMovesPerMinute = 10, Hold = 30, MinRateMbps = 5, Announce = false }, tuned.Balancer);
    }

    [Theory]
    [InlineData("[bridge:a]\n[pool:p]\nbridges = a\nshared_segment = maybe\n", "/x.ini:4: [pool:p] shared_segment: 'maybe' is not yes or no")]
    [InlineData("[balancer]\nthreshold = 1\n", "threshold: '1' is not a valid value (times the fair share, from 1.01 to 100)")]
    [InlineData("[balancer]\nmax_moves_per_minute = 2.5\n", "max_moves_per_minute: '2.5' is not a valid value")]
    [InlineData("[balancer]\nspeed = 1\n", "[balancer] speed: unknown key")]
    public void Rejects_bad_balancer_values(string ini, string expected)
    {
        var e = Assert.Throws<XenHotplug.Core.Failures.ConfigException>(() => TestConfig.Load(ini, "/x.ini"));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }
}
