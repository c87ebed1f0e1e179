using XenHotplug.Core.Placement;

namespace XenHotplug.Tests.Placement;

public class StrategyTests
{
    private static BridgeCandidate C(string name, int load, double weight = 1, bool healthy = true) => new(name, load, weight, healthy, "", true);

    [Fact]
    public void Least_loaded_picks_fewest_guests()
    {
        Assert.Equal("b", LeastLoadedStrategy.Choose([C("a", 3), C("b", 1), C("c", 2)]).Name);
    }

    [Fact]
    public void Least_loaded_tie_break_is_stable_pool_order()
    {
        Assert.Equal("a", LeastLoadedStrategy.Choose([C("a", 2), C("b", 2)]).Name);
        Assert.Equal("b", LeastLoadedStrategy.Choose([C("b", 2), C("a", 2)]).Name);
    }

    [Fact]
    public void Least_loaded_honours_weights()
    {
        // A 10G bridge (weight 10) takes ten guests for each one on a 1G bridge.
        var loads = new Dictionary<string, int> { ["g10"] = 0, ["g1"] = 0 };
        for (var i = 0; i < 22; i++)
        {
            var pick = LeastLoadedStrategy.Choose([C("g1", loads["g1"], 1), C("g10", loads["g10"], 10)]);
            loads[pick.Name]++;
        }
        Assert.Equal(20, loads["g10"]);
        Assert.Equal(2, loads["g1"]);
    }

    [Fact]
    public void Least_loaded_spreads_evenly()
    {
        var loads = new int[3];
        for (var i = 0; i < 30; i++)
        {
            var pick = LeastLoadedStrategy.Choose([C("0", loads[0]), C("1", loads[1]), C("2", loads[2])]);
            loads[int.Parse(pick.Name, System.Globalization.CultureInfo.InvariantCulture)]++;
        }
        Assert.Equal([10, 10, 10], loads);
    }

    [Fact]
    public void Round_robin_takes_turns_from_the_cursor()
    {
        BridgeCandidate[] pool = [C("a", 0), C("b", 0), C("c", 0)];
        long cursor = 0;
        var picks = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var (choice, next) = RoundRobinStrategy.Choose(pool, cursor, _ => true);
            picks.Add(choice.Name);
            cursor = next;
        }
        Assert.Equal(["a", "b", "c", "a", "b"], picks);
    }

    [Fact]
    public void Round_robin_passes_over_unhealthy_bridges()
    {
        BridgeCandidate[] pool = [C("a", 0), C("b", 0, healthy: false), C("c", 0)];
        var (choice, next) = RoundRobinStrategy.Choose(pool, 1, c => c.Healthy);
        Assert.Equal("c", choice.Name);
        Assert.Equal(3, next);
    }

    [Fact]
    public void Sticky_is_deterministic()
    {
        BridgeCandidate[] pool = [C("xenbr0", 0), C("xenbr1", 0), C("xenbr2", 0)];
        for (var i = 0; i < 50; i++)
        {
            var id = StickyStrategy.Identity("guest" + i, null, i, 0);
            Assert.Equal(StickyStrategy.Choose(pool, id).Name, StickyStrategy.Choose(pool.Reverse().ToArray(), id).Name);
        }
    }

    [Fact]
    public void Sticky_spreads_guests_and_moves_only_those_that_must_when_a_bridge_is_added()
    {
        BridgeCandidate[] three = [C("xenbr0", 0), C("xenbr1", 0), C("xenbr2", 0)];
        BridgeCandidate[] four = [.. three, C("xenbr3", 0)];
        var counts = new Dictionary<string, int>();
        var moved = 0;
        const int guests = 1000;
        for (var i = 0; i < guests; i++)
        {
            var id = StickyStrategy.Identity("vm-" + i, null, i, 0);
            var before = StickyStrategy.Choose(three, id).Name;
            var after = StickyStrategy.Choose(four, id).Name;
            counts[before] = counts.GetValueOrDefault(before) + 1;
            if (before != after)
            {
                moved++;
                Assert.Equal("xenbr3", after); // a guest only ever moves to the new bridge
            }
        }
        Assert.All(counts.Values, n => Assert.InRange(n, 280, 390));
        Assert.InRange(moved, 190, 310); // about a quarter move
    }

    [Fact]
    public void Sticky_removing_a_bridge_moves_only_its_guests()
    {
        BridgeCandidate[] three = [C("xenbr0", 0), C("xenbr1", 0), C("xenbr2", 0)];
        BridgeCandidate[] two = [C("xenbr0", 0), C("xenbr2", 0)];
        for (var i = 0; i < 300; i++)
        {
            var id = StickyStrategy.Identity("vm-" + i, null, i, 1);
            var before = StickyStrategy.Choose(three, id).Name;
            if (before != "xenbr1") Assert.Equal(before, StickyStrategy.Choose(two, id).Name);
        }
    }

    [Fact]
    public void Sticky_identity_prefers_name_then_uuid_then_domid()
    {
        Assert.Equal("web/0", StickyStrategy.Identity("web", "u", 3, 0));
        Assert.Equal("u/1", StickyStrategy.Identity(null, "u", 3, 1));
        Assert.Equal("domid-3/2", StickyStrategy.Identity(null, null, 3, 2));
    }
}
