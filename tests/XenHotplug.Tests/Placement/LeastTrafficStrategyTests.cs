using XenHotplug.Core.Placement;

namespace XenHotplug.Tests.Placement;

public class LeastTrafficStrategyTests
{
    private const double Mbit = 1e6 / 8;

    private static BridgeCandidate C(string name, int guests, double? mbit, double weight = 1, int? speed = null) =>
        new(name, guests, weight, true, "up", true) { Rate = mbit * Mbit, SpeedMbps = speed };

    [Fact]
    public void A_new_guest_goes_where_the_traffic_is_lightest_not_where_guests_are_fewest()
    {
        // The case: a heavy guest alone on xbr0, three light ones on each of the others.
        var choice = LeastTrafficStrategy.Choose([C("xbr0", 1, 95), C("xbr1", 3, 30), C("xbr2", 3, 30)], measured: true);
        Assert.Equal("xbr1", choice.Name);
    }

    [Fact]
    public void Equal_traffic_within_five_percent_falls_back_to_fewest_guests_then_pool_order()
    {
        Assert.Equal("xbr1", LeastTrafficStrategy.Choose([C("xbr0", 3, 40), C("xbr1", 1, 41)], measured: true).Name);
        Assert.Equal("xbr0", LeastTrafficStrategy.Choose([C("xbr0", 1, 0), C("xbr1", 1, 0)], measured: true).Name);
    }

    [Fact]
    public void Link_speeds_and_weights_scale_the_room()
    {
        // 10G with 500 Mbit/s has more room than 1G with 100.
        Assert.Equal("fast", LeastTrafficStrategy.Choose([C("slow", 1, 100, speed: 1000), C("fast", 1, 500, speed: 10000)], measured: true).Name);
        // A speed is only used when every candidate reports one; weights always count.
        Assert.Equal("slow", LeastTrafficStrategy.Choose([C("slow", 1, 100, speed: 1000), C("fast", 1, 500)], measured: true).Name);
        Assert.Equal("heavy", LeastTrafficStrategy.Choose([C("light", 1, 100), C("heavy", 1, 500, weight: 10)], measured: true).Name);
    }

    [Fact]
    public void Without_a_measurement_it_is_least_loaded()
    {
        Assert.Equal("xbr1", LeastTrafficStrategy.Choose([C("xbr0", 2, null), C("xbr1", 1, null)], measured: false).Name);
    }
}
