using XenHotplug.Core.Balancing;

namespace XenHotplug.Tests.Balancing;

public class MovePlannerTests
{
    private const double Mbit = 1e6 / 8;
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly BalanceSettings Settings = new(Threshold: 1.25, MaxMovesPerMinute: 4, Hold: TimeSpan.FromSeconds(60), MinRate: 1 * Mbit);

    private static BalanceBridge Br(string name, bool healthy = true, double capacity = 1) =>
        new(name, "u" + name, capacity, healthy, healthy ? "up" : $"carrier lost on u{name}");

    private static BalancePool Pool(bool shared = true, bool failback = false, params BalanceBridge[] bridges) => new("p", bridges, shared, failback);

    private static BalanceGuest G(string vif, string bridge, double mbit, string? pool = "p") => new(vif, bridge, mbit * Mbit) { Pool = pool };

    private static BalancePlan Plan(BalancePool pool, IReadOnlyList<BalanceGuest> guests, IReadOnlyList<MoveRecord>? history = null, BalanceSettings? settings = null) =>
        MovePlanner.Plan(new BalanceState([pool], guests, history ?? [], Now), settings ?? Settings);

    [Fact]
    public void Two_heavy_guests_on_one_bridge_are_split_and_light_ones_stay()
    {
        // The case: heavy guests hotplugged 1st and 5th with six light ones land on xbr0 together.
        var pool = Pool(true, false, Br("xbr0"), Br("xbr1"), Br("xbr2"), Br("xbr3"));
        List<BalanceGuest> guests =
        [
            G("vif1.0", "xbr0", 50), G("vif2.0", "xbr1", 10), G("vif3.0", "xbr2", 10), G("vif4.0", "xbr3", 10),
            G("vif5.0", "xbr0", 50), G("vif6.0", "xbr1", 10), G("vif7.0", "xbr2", 10), G("vif8.0", "xbr3", 10),
        ];
        var plan = Plan(pool, guests);
        var move = Assert.Single(plan.Moves);
        Assert.Equal(MoveKind.Rebalance, move.Kind);
        Assert.Equal("xbr0", move.From);
        Assert.Contains(move.Vif, new[] { "vif1.0", "vif5.0" });
        Assert.Equal("rebalance: xbr0 at 2.5x fair share", move.Reason);
    }

    [Fact]
    public void Below_the_threshold_nothing_moves()
    {
        var pool = Pool(true, false, Br("xbr0"), Br("xbr1"));
        // 60 against 40: xbr0 at 1.2x its fair share, under the 1.25 threshold.
        var plan = Plan(pool, [G("vif1.0", "xbr0", 30), G("vif2.0", "xbr0", 30), G("vif3.0", "xbr1", 40)]);
        Assert.Empty(plan.Moves);
    }

    [Fact]
    public void A_move_that_gains_too_little_is_not_made()
    {
        // One guest alone on its bridge at 3x: moving it would just move the peak elsewhere.
        var pool = Pool(true, false, Br("xbr0"), Br("xbr1"));
        var plan = Plan(pool, [G("vif1.0", "xbr0", 90), G("vif2.0", "xbr1", 10)]);
        Assert.Empty(plan.Moves);
        Assert.Contains(plan.Notes, n => n.Contains("no move gains", StringComparison.Ordinal));
    }

    [Fact]
    public void An_idle_host_is_left_alone()
    {
        var pool = Pool(true, false, Br("xbr0"), Br("xbr1"));
        var plan = Plan(pool, [G("vif1.0", "xbr0", 0.3), G("vif2.0", "xbr0", 0.3), G("vif3.0", "xbr1", 0)]);
        Assert.Empty(plan.Moves);
    }

    [Fact]
    public void Weights_set_the_fair_share()
    {
        // xbr1 has ten times the capacity: 30 + 30 on xbr0 (weight 1) against 60 on xbr1 (weight 10) is uneven.
        var pool = Pool(true, false, Br("xbr0"), Br("xbr1", capacity: 10));
        var plan = Plan(pool, [G("vif1.0", "xbr0", 30), G("vif2.0", "xbr0", 30), G("vif3.0", "xbr1", 60)]);
        Assert.Equal(["xbr1"], plan.Moves.Select(m => m.To)); // one a pass into a bridge: then measure again
        // With equal weights the same traffic is even enough.
        var even = Plan(Pool(true, false, Br("xbr0"), Br("xbr1")), [G("vif1.0", "xbr0", 30), G("vif2.0", "xbr0", 30), G("vif3.0", "xbr1", 60)]);
        Assert.Empty(even.Moves);
    }

    [Fact]
    public void The_move_limit_caps_rebalancing_per_minute()
    {
        var pool = Pool(true, false, Br("xbr0"), Br("xbr1"), Br("xbr2"), Br("xbr3"));
        var guests = Enumerable.Range(1, 8).Select(i => G($"vif{i}.0", "xbr0", 20)).ToList();
        var limited = Plan(pool, guests, settings: Settings with { MaxMovesPerMinute = 2 });
        Assert.Equal(2, limited.Moves.Count);
        Assert.Contains(limited.Notes, n => n.Contains("move limit", StringComparison.Ordinal));
        // Moves made in the last minute count; older ones do not.
        List<MoveRecord> history =
        [
            new("vif9.0", "xbr1", "xbr0", MoveKind.Rebalance, Now.AddSeconds(-30)),
            new("vif9.0", "xbr0", "xbr1", MoveKind.Rebalance, Now.AddSeconds(-90)),
        ];
        Assert.Single(Plan(pool, guests, history, Settings with { MaxMovesPerMinute = 2 }).Moves);
        Assert.Empty(Plan(pool, guests, settings: Settings with { MaxMovesPerMinute = 0 }).Moves);
        // Unlimited, each other bridge takes one guest in this pass (its numbers are stale until the next measurement).
        var all = Plan(pool, guests, settings: Settings with { MaxMovesPerMinute = 100 });
        Assert.Equal(["xbr1", "xbr2", "xbr3"], all.Moves.Select(m => m.To).Order());
    }

    [Fact]
    public void A_guest_moved_recently_is_held_where_it_is()
    {
        var pool = Pool(true, false, Br("xbr0"), Br("xbr1"));
        List<BalanceGuest> guests = [G("vif1.0", "xbr0", 50), G("vif2.0", "xbr0", 50), G("vif3.0", "xbr1", 0)];
        List<MoveRecord> history =
        [
            new("vif1.0", "xbr1", "xbr0", MoveKind.Rebalance, Now.AddSeconds(-10)),
            new("vif2.0", "xbr1", "xbr0", MoveKind.Failover, Now.AddSeconds(-20)),
        ];
        Assert.Empty(Plan(pool, guests, history).Moves);
        Assert.Single(Plan(pool, guests, history, Settings with { Hold = TimeSpan.FromSeconds(15) }).Moves);
    }

    [Fact]
    public void Pinned_guests_never_move_but_their_traffic_counts()
    {
        var pool = Pool(true, false, Br("xbr0"), Br("xbr1"));
        List<BalanceGuest> guests =
        [
            G("vif1.0", "xbr0", 80, pool: null) with { Pinned = "explicit bridge=xbr0" },
            G("vif2.0", "xbr0", 40),
            G("vif3.0", "xbr1", 10),
        ];
        var move = Assert.Single(Plan(pool, guests).Moves);
        Assert.Equal("vif2.0", move.Vif);
        // All pinned: nothing moves, whatever the imbalance and whatever health.
        var pinned = guests.Select(g => g with { Pool = null, Pinned = "rule [domain:db-*] bridge = xbr0" }).ToList();
        Assert.Empty(Plan(pool, pinned).Moves);
        Assert.Empty(Plan(Pool(true, false, Br("xbr0", healthy: false), Br("xbr1")), pinned).Moves);
    }

    [Fact]
    public void Failover_moves_every_guest_of_a_dead_bridge_to_the_roomiest_healthy_ones()
    {
        var pool = Pool(true, false, Br("xbr0", healthy: false), Br("xbr1"), Br("xbr2"));
        List<BalanceGuest> guests =
        [
            G("vif1.0", "xbr0", 0), G("vif2.0", "xbr0", 0), G("vif3.0", "xbr0", 0), G("vif4.0", "xbr0", 0),
            G("vif5.0", "xbr1", 0),
        ];
        // Failover is never limited by the move budget.
        var plan = Plan(pool, guests, settings: Settings with { MaxMovesPerMinute = 0 });
        Assert.Equal(4, plan.Moves.Count);
        Assert.All(plan.Moves, m => Assert.Equal(MoveKind.Failover, m.Kind));
        Assert.All(plan.Moves, m => Assert.Equal("carrier lost on uxbr0", m.Reason));
        Assert.Equal("vif1.0 xbr0 -> xbr2: carrier lost on uxbr0", plan.Moves[0].ToString());
        // Idle guests are spread by count: xbr1 had one already, so 3 + 2 guests in the end... here 1 + 3 / 2 + 2.
        var onXbr1 = plan.Moves.Count(m => m.To == "xbr1");
        var onXbr2 = plan.Moves.Count(m => m.To == "xbr2");
        Assert.Equal(4, onXbr1 + onXbr2);
        Assert.True(Math.Abs((onXbr1 + 1) - onXbr2) <= 1, $"xbr1 {onXbr1 + 1}, xbr2 {onXbr2}");
    }

    [Fact]
    public void Failover_in_an_idle_pool_spreads_by_count_whatever_background_bytes_were_measured()
    {
        // A few bytes/s of ARP and neighbour discovery on xbr1 (well below min_rate) must not send both guests to xbr2.
        var pool = Pool(true, false, Br("xbr0", healthy: false), Br("xbr1"), Br("xbr2"));
        var plan = Plan(pool, [G("vif1.0", "xbr0", 0), G("vif2.0", "xbr0", 0), G("vif3.0", "xbr1", 0.001), G("vif4.0", "xbr2", 0)]);
        Assert.Equal(2, plan.Moves.Count);
        Assert.Equal(1, plan.Moves.Count(m => m.To == "xbr1"));
        Assert.All(plan.Moves, m => Assert.Equal(MoveKind.Failover, m.Kind)); // even already: no count move follows
    }

    [Fact]
    public void Failover_puts_heavy_guests_where_the_traffic_is_light()
    {
        var pool = Pool(true, false, Br("xbr0", healthy: false), Br("xbr1"), Br("xbr2"));
        var plan = Plan(pool, [G("vif1.0", "xbr0", 60), G("vif2.0", "xbr0", 5), G("vif3.0", "xbr1", 50), G("vif4.0", "xbr2", 5), G("vif5.0", "xbr2", 5)]);
        Assert.Equal("xbr2", plan.Moves.Single(m => m.Vif == "vif1.0").To);
        Assert.Equal("xbr1", plan.Moves.Single(m => m.Vif == "vif2.0").To);
    }

    [Fact]
    public void A_pool_without_shared_segment_is_never_touched()
    {
        var pool = Pool(false, true, Br("xbr0", healthy: false), Br("xbr1"));
        var plan = Plan(pool, [G("vif1.0", "xbr0", 50), G("vif2.0", "xbr0", 50)]);
        Assert.Empty(plan.Moves);
        Assert.Contains(plan.Notes, n => n.Contains("shared_segment = no", StringComparison.Ordinal));
        var busy = Plan(Pool(false, false, Br("xbr0"), Br("xbr1")), [G("vif1.0", "xbr0", 50), G("vif2.0", "xbr0", 50)]);
        Assert.Empty(busy.Moves);
    }

    [Fact]
    public void Without_a_healthy_bridge_guests_stay_and_a_note_says_why()
    {
        var plan = Plan(Pool(true, false, Br("xbr0", healthy: false), Br("xbr1", healthy: false)), [G("vif1.0", "xbr0", 1)]);
        Assert.Empty(plan.Moves);
        Assert.Contains(plan.Notes, n => n.Contains("no healthy bridge", StringComparison.Ordinal));
    }

    [Fact]
    public void Failback_returns_guests_home_only_when_configured_and_healthy()
    {
        List<BalanceGuest> guests = [G("vif1.0", "xbr1", 0.2) with { Home = "xbr0" }, G("vif2.0", "xbr1", 0.2)];
        var back = Plan(Pool(true, true, Br("xbr0"), Br("xbr1")), guests);
        var move = Assert.Single(back.Moves);
        Assert.Equal(("vif1.0", "xbr0", MoveKind.Failback), (move.Vif, move.To, move.Kind));
        Assert.Equal("failback: xbr0 is healthy again (carrier on uxbr0)", move.Reason);
        // failback = no: no failback (an idle pool this uneven is evened out by count, by whichever guest is idlest).
        Assert.DoesNotContain(Plan(Pool(true, false, Br("xbr0"), Br("xbr1")), guests).Moves, m => m.Kind == MoveKind.Failback);
        Assert.Empty(Plan(Pool(true, true, Br("xbr0", healthy: false), Br("xbr1")), guests).Moves);
    }

    [Fact]
    public void Guests_of_other_pools_are_not_moved_by_this_one()
    {
        var pool = Pool(true, false, Br("xbr0"), Br("xbr1"));
        var plan = Plan(pool, [G("vif1.0", "xbr0", 50, pool: "other"), G("vif2.0", "xbr0", 50, pool: "other")]);
        Assert.Empty(plan.Moves);
    }

    [Fact]
    public void An_idle_pool_left_uneven_by_departures_is_evened_out_by_count()
    {
        // Guests left xbr1 and xbr2: 4 / 1 / 1 idle guests. Fair share 2 each: xbr0 at 2.0x.
        var pool = Pool(true, false, Br("xbr0"), Br("xbr1"), Br("xbr2"));
        List<BalanceGuest> guests =
        [
            G("vif1.0", "xbr0", 0.2), G("vif2.0", "xbr0", 0), G("vif3.0", "xbr0", 0.1), G("vif4.0", "xbr0", 0),
            G("vif5.0", "xbr1", 0), G("vif6.0", "xbr2", 0),
        ];
        var plan = Plan(pool, guests, settings: Settings with { MaxMovesPerMinute = 100 });
        Assert.Equal(2, plan.Moves.Count);
        Assert.All(plan.Moves, m => Assert.Equal((MoveKind.Rebalance, "xbr0"), (m.Kind, m.From)));
        Assert.Equal(["xbr1", "xbr2"], plan.Moves.Select(m => m.To).Order());
        Assert.Equal(["vif2.0", "vif4.0"], plan.Moves.Select(m => m.Vif).Order()); // the idlest go
        Assert.Equal("rebalance: xbr0 has 4 guests, 2.0x its fair share (traffic below min_rate)", plan.Moves[0].Reason);
    }

    [Fact]
    public void Counts_one_apart_are_even_enough()
    {
        // 2 / 1 / 1: xbr0 at 1.5x, but a move would only put the 2 elsewhere (no gain).
        var pool = Pool(true, false, Br("xbr0"), Br("xbr1"), Br("xbr2"));
        Assert.Empty(Plan(pool, [G("vif1.0", "xbr0", 0), G("vif2.0", "xbr0", 0), G("vif3.0", "xbr1", 0), G("vif4.0", "xbr2", 0)]).Moves);
        // 3 / 2 on two bridges: 1.2x, under the threshold.
        var two = Pool(true, false, Br("xbr0"), Br("xbr1"));
        Assert.Empty(Plan(two, [G("vif1.0", "xbr0", 0), G("vif2.0", "xbr0", 0), G("vif3.0", "xbr0", 0), G("vif4.0", "xbr1", 0), G("vif5.0", "xbr1", 0)]).Moves);
    }

    [Fact]
    public void Spreading_by_count_follows_the_weights()
    {
        // xbr1 weighs 3: 2 guests on xbr0 and 2 on xbr1 is uneven (fair: 1 and 3); 1 and 3 is even.
        var pool = Pool(true, false, Br("xbr0"), Br("xbr1", capacity: 3));
        var move = Assert.Single(Plan(pool, [G("vif1.0", "xbr0", 0), G("vif2.0", "xbr0", 0), G("vif3.0", "xbr1", 0), G("vif4.0", "xbr1", 0)]).Moves);
        Assert.Equal(("xbr0", "xbr1"), (move.From, move.To));
        Assert.Empty(Plan(pool, [G("vif1.0", "xbr0", 0), G("vif2.0", "xbr1", 0), G("vif3.0", "xbr1", 0), G("vif4.0", "xbr1", 0)]).Moves);
    }

    [Fact]
    public void Spreading_by_count_keeps_the_move_limit_the_hold_and_the_pins()
    {
        var pool = Pool(true, false, Br("xbr0"), Br("xbr1"));
        var guests = Enumerable.Range(1, 6).Select(i => G($"vif{i}.0", "xbr0", 0)).ToList();
        var limited = Plan(pool, guests, settings: Settings with { MaxMovesPerMinute = 2 });
        Assert.Equal(2, limited.Moves.Count);
        Assert.Contains(limited.Notes, n => n.Contains("move limit", StringComparison.Ordinal));
        Assert.Equal(3, Plan(pool, guests, settings: Settings with { MaxMovesPerMinute = 100 }).Moves.Count); // 3 / 3
        // Guests moved recently stay; pinned ones stay but count.
        var held = guests.Select(g => new MoveRecord(g.Vif, "xbr1", "xbr0", MoveKind.Rebalance, Now.AddSeconds(-120))).ToList();
        Assert.Empty(Plan(pool, guests, held, Settings with { Hold = TimeSpan.FromSeconds(300) }).Moves);
        var pinned = guests.Select((g, i) => i < 5 ? g with { Pool = null, Pinned = "explicit bridge=xbr0" } : g).ToList();
        Assert.Equal(["vif6.0"], Plan(pool, pinned).Moves.Select(m => m.Vif));
        // An emulated twin is no guest of its own: 2 vifs + 2 twins on xbr0 against 1 on xbr1 is even enough.
        List<BalanceGuest> twins =
        [
            G("vif1.0", "xbr0", 0), G("vif1.0-emu", "xbr0", 0, pool: null) with { Pinned = "twin", Twin = true },
            G("vif2.0", "xbr0", 0), G("vif2.0-emu", "xbr0", 0, pool: null) with { Pinned = "twin", Twin = true },
            G("vif3.0", "xbr1", 0),
        ];
        Assert.Empty(Plan(pool, twins).Moves);
    }

    [Fact]
    public void A_busy_pool_is_balanced_by_traffic_not_by_count()
    {
        // One heavy guest alone on xbr0, five light ones on xbr1: the counts are uneven, the traffic is not.
        var pool = Pool(true, false, Br("xbr0"), Br("xbr1"));
        List<BalanceGuest> guests = [G("vif1.0", "xbr0", 50), .. Enumerable.Range(2, 5).Select(i => G($"vif{i}.0", "xbr1", 10))];
        Assert.Empty(Plan(pool, guests).Moves);
    }

    [Fact]
    public void Failback_keeps_the_move_limit_and_failover_does_not_wait_for_it()
    {
        var pool = Pool(true, true, Br("xbr0"), Br("xbr1"), Br("xbr2"));
        var guests = Enumerable.Range(1, 5).Select(i => G($"vif{i}.0", "xbr1", 0) with { Home = "xbr0" }).ToList();
        var back = Plan(pool, guests, settings: Settings with { MaxMovesPerMinute = 2 });
        Assert.Equal(2, back.Moves.Count);
        Assert.All(back.Moves, m => Assert.Equal((MoveKind.Failback, "xbr0"), (m.Kind, m.To)));
        Assert.Equal(3, back.Notes.Count(n => n.Contains("waits to go back to xbr0: move limit reached", StringComparison.Ordinal)));
        // Failbacks and rebalancing moves of the last minute count; failovers do not.
        List<MoveRecord> history =
        [
            new("vif9.0", "xbr1", "xbr0", MoveKind.Failback, Now.AddSeconds(-20)),
            new("vif8.0", "xbr0", "xbr2", MoveKind.Rebalance, Now.AddSeconds(-40)),
            new("vif1.0", "xbr0", "xbr1", MoveKind.Failover, Now.AddSeconds(-50)),
        ];
        Assert.Single(Plan(pool, guests, history, Settings with { MaxMovesPerMinute = 3 }).Moves);
        Assert.Empty(Plan(pool, guests, history, Settings with { MaxMovesPerMinute = 2 }).Moves);
        // A link-event pass (no rebalancing) still fails back within the limit.
        Assert.Equal(2, Plan(pool, guests, settings: Settings with { MaxMovesPerMinute = 2, Rebalance = false }).Moves.Count);
        // The limit never holds back a failover.
        var dead = Pool(true, true, Br("xbr0"), Br("xbr1", healthy: false), Br("xbr2"));
        var failover = Plan(dead, guests.Select(g => g with { Home = null }).ToList(), history, Settings with { MaxMovesPerMinute = 0 });
        Assert.Equal(5, failover.Moves.Count);
        Assert.All(failover.Moves, m => Assert.Equal(MoveKind.Failover, m.Kind));
    }

    [Fact]
    public void A_twin_left_on_another_bridge_than_its_vif_rejoins_it_first_and_then_moves_with_it()
    {
        // A move killed between vif1.0 and its twin: vif1.0 on xbr1, vif1.0-emu still on xbr0.
        var pool = Pool(true, false, Br("xbr0"), Br("xbr1"), Br("xbr2"));
        BalanceGuest Twin(string vif, string bridge, string of) => G(vif, bridge, 0, pool: null) with { Pinned = "twin", Twin = true, TwinOf = of };
        var plan = Plan(pool, [G("vif1.0", "xbr1", 0), Twin("vif1.0-emu", "xbr0", "vif1.0"), G("vif2.0", "xbr2", 0), Twin("vif2.0-emu", "xbr2", "vif2.0")]);
        var rejoin = Assert.Single(plan.Moves);
        Assert.Equal(new Move("vif1.0-emu", "xbr0", "xbr1", MoveKind.Rejoin, "rejoin: vif1.0 is on xbr1"), rejoin);
        // Also when the vif's own bridge is dead: the twin rejoins it first, then the pair fails over together.
        var dead = Pool(true, false, Br("xbr0"), Br("xbr1", healthy: false), Br("xbr2"));
        var both = Plan(dead, [G("vif1.0", "xbr1", 0), Twin("vif1.0-emu", "xbr0", "vif1.0")]);
        Assert.Equal([(MoveKind.Rejoin, "vif1.0-emu"), (MoveKind.Failover, "vif1.0")], both.Moves.Select(m => (m.Kind, m.Vif)));
        // The budget is not spent on it, and a twin without its vif (the guest going away) stays put.
        Assert.Single(Plan(pool, [G("vif1.0", "xbr1", 0), Twin("vif1.0-emu", "xbr0", "vif1.0")], settings: Settings with { MaxMovesPerMinute = 0 }).Moves);
        Assert.Empty(Plan(pool, [Twin("vif1.0-emu", "xbr0", "vif1.0")]).Moves);
    }
}
