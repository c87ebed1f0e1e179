using System.Globalization;

namespace XenHotplug.Core.Balancing;

/// <summary>
/// Plans one balancing pass over the shared-segment pools, in three steps:
/// (1) failover: every movable vif on a bridge whose uplink is unhealthy goes to the healthy bridge of its pool
/// with the most room (heaviest guests first; never limited); (2) failback: a vif a failover moved goes home
/// when its bridge is healthy again and the pool says failback = yes, within the moves-per-minute budget;
/// (3) rebalance (not in a pass woken by a link event): while the busiest healthy bridge carries at least
/// <see cref="BalanceSettings.Threshold"/> times its fair share of the pool's traffic (fair share: the pool's
/// traffic split by capacity), the one move that lowers the busier of the two bridges the most is made, if it
/// gains at least <see cref="BalanceSettings.MinGain"/>, within the budget, never moving a vif moved less than
/// <see cref="BalanceSettings.Hold"/> ago. A bridge that received a guest in this pass is neither a source nor a
/// target again until the next measurement (its numbers are stale). When every bridge of the pool carries less
/// than <see cref="BalanceSettings.MinRate"/> (idle guests), the guest COUNT per capacity is evened out instead,
/// by the same threshold, gain, hold and budget. Failback and rebalancing share the budget (recent failbacks and
/// rebalancing moves count against it); failover never waits for it. A vif without a pool (pinned by an explicit
/// bridge or a rule) is never moved, but its traffic and its place count; an emulated twin counts as no guest.
/// Before all that, (0) rejoin: an emulated twin found on another bridge than its vif goes back to the vif's bridge.
/// </summary>
public static class MovePlanner
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    public static BalancePlan Plan(BalanceState state, BalanceSettings settings)
    {
        var moves = new List<Move>();
        var notes = new List<string>();
        // Working copy: where each vif is after the moves planned so far, and each bridge's load.
        var where = state.Guests.ToDictionary(g => g.Vif, g => g.Bridge, StringComparer.Ordinal);
        var load = new Dictionary<string, double>(StringComparer.Ordinal);
        var count = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var g in state.Guests)
        {
            load[g.Bridge] = Load(load, g.Bridge) + g.Rate;
            if (!g.Twin) count[g.Bridge] = Count(count, g.Bridge) + 1;
        }
        // Failback and rebalancing moves made in the last minute count against the limit, across pools.
        var budget = new Budget(settings.MaxMovesPerMinute - state.History.Count(m => m.Kind is MoveKind.Failback or MoveKind.Rebalance && state.Now - m.At < Minute));
        void Apply(BalanceGuest g, string to, MoveKind kind, string reason)
        {
            var from = where[g.Vif];
            moves.Add(new Move(g.Vif, from, to, kind, reason));
            load[from] = Load(load, from) - g.Rate;
            count[from] = Count(count, from) - 1;
            load[to] = Load(load, to) + g.Rate;
            count[to] = Count(count, to) + 1;
            where[g.Vif] = to;
        }

        // (0) rejoin: a twin left on another bridge than its vif (a move killed between the two) goes back to it first,
        // whatever the pools say (the pair is one guest NIC; never limited). Later moves of the vif then take it along.
        foreach (var twin in state.Guests.Where(g => g.Twin && g.TwinOf is not null).OrderBy(g => g.Vif, StringComparer.Ordinal))
        {
            if (!where.TryGetValue(twin.TwinOf!, out var home) || home == twin.Bridge) continue;
            moves.Add(new Move(twin.Vif, twin.Bridge, home, MoveKind.Rejoin, $"rejoin: {twin.TwinOf} is on {home}"));
            load[twin.Bridge] = Load(load, twin.Bridge) - twin.Rate;
            load[home] = Load(load, home) + twin.Rate;
            where[twin.Vif] = home;
        }

        var ordered = state.Guests.OrderByDescending(g => g.Rate).ThenBy(g => g.Vif, StringComparer.Ordinal).ToList();
        foreach (var pool in state.Pools)
        {
            var members = ordered.Where(g => g.Pool == pool.Name && g.Pinned is null).ToList();
            var unhealthy = pool.Bridges.Where(b => !b.Healthy).ToList();
            if (!pool.SharedSegment)
            {
                var stranded = members.Count(g => unhealthy.Exists(b => b.Name == g.Bridge));
                if (stranded > 0)
                    notes.Add($"pool {pool.Name}: {stranded} guest vif(s) on unhealthy bridges are not moved (shared_segment = no)");
                continue;
            }
            var healthy = pool.Bridges.Where(b => b.Healthy).ToList();
            // An idle pool (every healthy bridge below min_rate) is spread by count, failovers included: a few bytes of
            // background traffic must not send every failed-over guest to the same bridge for the count spread to undo.
            var idle = healthy.Count > 0 && healthy.Max(b => Load(load, b.Name)) < settings.MinRate;
            // (1) failover
            foreach (var bad in unhealthy)
            {
                var victims = members.Where(g => where[g.Vif] == bad.Name).ToList();
                if (victims.Count == 0) continue;
                if (healthy.Count == 0)
                {
                    notes.Add($"pool {pool.Name}: no healthy bridge to move {victims.Count} guest vif(s) of {bad.Name} to ({bad.Health})");
                    continue;
                }
                foreach (var g in victims)
                    Apply(g, Roomiest(healthy, load, count, g.Rate, idle), MoveKind.Failover, bad.Health);
            }
            // (2) failback
            if (pool.Failback)
            {
                foreach (var g in members)
                {
                    if (g.Home is not { } home || home == where[g.Vif]) continue;
                    var target = healthy.Find(b => b.Name == home);
                    if (target is null) continue;
                    if (budget.Left <= 0)
                    {
                        notes.Add($"pool {pool.Name}: {g.Vif} waits to go back to {home}: move limit reached ({settings.MaxMovesPerMinute} a minute)");
                        continue;
                    }
                    Apply(g, home, MoveKind.Failback, $"failback: {home} is healthy again" + (target.Uplink is null ? "" : $" (carrier on {target.Uplink})"));
                    budget.Left--;
                }
            }
            // (3) rebalance: by traffic, or by guest count when the pool is idle
            if (!settings.Rebalance || healthy.Count < 2) continue;
            if (healthy.Max(b => Load(load, b.Name)) < settings.MinRate)
                SpreadByCount(state, settings, pool, healthy, members, where, count, notes, budget, Apply);
            else
                Rebalance(state, settings, pool, healthy, members, where, load, notes, budget, Apply);
        }
        return new BalancePlan(moves, notes);
    }

    /// <summary>The moves left in this minute's budget, shared by failback and rebalancing in every pool of a pass.</summary>
    private sealed class Budget(int left)
    {
        public int Left { get; set; } = left;
    }

    private static HashSet<string> Held(BalanceState state, BalanceSettings settings) =>
        state.History.Where(m => state.Now - m.At < settings.Hold).Select(m => m.Vif).ToHashSet(StringComparer.Ordinal);

    private static void Rebalance(BalanceState state, BalanceSettings settings, BalancePool pool, List<BalanceBridge> healthy,
        List<BalanceGuest> members, Dictionary<string, string> where, Dictionary<string, double> load, List<string> notes,
        Budget budget, Action<BalanceGuest, string, MoveKind, string> apply)
    {
        var capacity = healthy.Sum(b => b.Capacity);
        var total = healthy.Sum(b => Load(load, b.Name));
        double Fair(BalanceBridge b) => total * b.Capacity / capacity;
        notes.Add($"pool {pool.Name}: " + string.Join(", ", healthy.Select(b =>
            $"{b.Name} {Mbits(Load(load, b.Name))} Mbit/s" + (total > 0 ? $" ({(Load(load, b.Name) / Fair(b)).ToString("0.00", CultureInfo.InvariantCulture)}x fair share)" : ""))));
        var held = Held(state, settings);
        var moved = new HashSet<string>(StringComparer.Ordinal);
        var received = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            if (total <= 0) return;
            var fresh = healthy.Where(b => !received.Contains(b.Name)).ToList();
            if (fresh.Count < 2) return;
            var source = fresh.MaxBy(b => Load(load, b.Name) / Fair(b))!;
            var sourceLoad = Load(load, source.Name);
            var ratio = sourceLoad / Fair(source);
            if (sourceLoad < settings.MinRate || ratio < settings.Threshold) return;
            var peak = sourceLoad / source.Capacity;
            (BalanceGuest Guest, BalanceBridge To, double Peak)? best = null;
            foreach (var g in members)
            {
                if (where[g.Vif] != source.Name || moved.Contains(g.Vif) || held.Contains(g.Vif) || g.Rate <= 0) continue;
                foreach (var t in fresh)
                {
                    if (t.Name == source.Name) continue;
                    var after = Math.Max((sourceLoad - g.Rate) / source.Capacity, (Load(load, t.Name) + g.Rate) / t.Capacity);
                    if (best is null || after < best.Value.Peak - 1e-9) best = (g, t, after);
                }
            }
            if (best is not { } choice || choice.Peak > peak * (1 - settings.MinGain))
            {
                notes.Add($"pool {pool.Name}: {source.Name} at {Ratio(ratio)}x fair share, but no move gains {settings.MinGain * 100:0}% (or every guest on it was moved recently)");
                return;
            }
            if (budget.Left <= 0)
            {
                notes.Add($"pool {pool.Name}: {source.Name} at {Ratio(ratio)}x fair share; move limit reached ({settings.MaxMovesPerMinute} a minute)");
                return;
            }
            apply(choice.Guest, choice.To.Name, MoveKind.Rebalance, $"rebalance: {source.Name} at {Ratio(ratio)}x fair share");
            moved.Add(choice.Guest.Vif);
            received.Add(choice.To.Name);
            budget.Left--;
        }
    }

    /// <summary>
    /// An idle pool: evens out the number of guests per capacity, one least-busy guest at a time from the bridge
    /// with the most guests per capacity to the one with the fewest, while that bridge holds at least the threshold
    /// times its fair share of the pool's guests and the move lowers its count per capacity by the minimum gain.
    /// </summary>
    private static void SpreadByCount(BalanceState state, BalanceSettings settings, BalancePool pool, List<BalanceBridge> healthy,
        List<BalanceGuest> members, Dictionary<string, string> where, Dictionary<string, int> count, List<string> notes,
        Budget budget, Action<BalanceGuest, string, MoveKind, string> apply)
    {
        var capacity = healthy.Sum(b => b.Capacity);
        var total = healthy.Sum(b => Count(count, b.Name));
        if (total == 0) return;
        double Fair(BalanceBridge b) => total * b.Capacity / capacity;
        notes.Add($"pool {pool.Name}: traffic below min_rate, by guest count: " + string.Join(", ", healthy.Select(b =>
            $"{b.Name} {Count(count, b.Name)} ({Ratio(Count(count, b.Name) / Fair(b))}x fair share)")));
        var held = Held(state, settings);
        var moved = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            var source = healthy.MaxBy(b => Count(count, b.Name) / Fair(b))!;
            var sourceCount = Count(count, source.Name);
            var ratio = sourceCount / Fair(source);
            if (ratio < settings.Threshold) return;
            var target = healthy.Where(b => b.Name != source.Name).MinBy(b => (Count(count, b.Name) + 1) / b.Capacity)!;
            var peak = sourceCount / source.Capacity;
            var after = Math.Max((sourceCount - 1) / source.Capacity, (Count(count, target.Name) + 1) / target.Capacity);
            var guest = members.Where(g => where[g.Vif] == source.Name && !moved.Contains(g.Vif) && !held.Contains(g.Vif))
                .OrderBy(g => g.Rate).ThenBy(g => g.Vif, StringComparer.Ordinal).FirstOrDefault();
            if (guest is null || after > peak * (1 - settings.MinGain) + 1e-9)
            {
                notes.Add($"pool {pool.Name}: {source.Name} has {Ratio(ratio)}x its fair share of guests, but no move gains {settings.MinGain * 100:0}% (or every guest on it was moved recently or is pinned)");
                return;
            }
            if (budget.Left <= 0)
            {
                notes.Add($"pool {pool.Name}: {source.Name} has {Ratio(ratio)}x its fair share of guests; move limit reached ({settings.MaxMovesPerMinute} a minute)");
                return;
            }
            apply(guest, target.Name, MoveKind.Rebalance, $"rebalance: {source.Name} has {sourceCount} guests, {Ratio(ratio)}x its fair share (traffic below min_rate)");
            moved.Add(guest.Vif);
            budget.Left--;
        }
    }

    /// <summary>The bridge with the lowest traffic per capacity after taking <paramref name="rate"/>, then fewest guests per capacity, then pool order.</summary>
    /// <summary>The bridge with the most room after taking a guest of <paramref name="rate"/>: by traffic, ties by count; by count first when the pool is idle.</summary>
    private static string Roomiest(List<BalanceBridge> bridges, Dictionary<string, double> load, Dictionary<string, int> count, double rate, bool byCount)
    {
        BalanceBridge? best = null;
        double bestFirst = 0, bestSecond = 0;
        foreach (var b in bridges)
        {
            var l = (Load(load, b.Name) + rate) / b.Capacity;
            var c = (Count(count, b.Name) + 1) / b.Capacity;
            var (first, second) = byCount ? (c, l) : (l, c);
            if (best is null || first < bestFirst - 1e-9 || (Math.Abs(first - bestFirst) <= 1e-9 && second < bestSecond))
            {
                best = b;
                bestFirst = first;
                bestSecond = second;
            }
        }
        return best!.Name;
    }

    private static double Load(Dictionary<string, double> load, string bridge) => load.TryGetValue(bridge, out var v) ? v : 0;

    private static int Count(Dictionary<string, int> count, string bridge) => count.TryGetValue(bridge, out var v) ? v : 0;

    private static string Ratio(double ratio) => ratio.ToString("0.0", CultureInfo.InvariantCulture);

    /// <summary>Bytes/s as Mbit/s, one decimal.</summary>
    public static string Mbits(double bytesPerSecond) => (bytesPerSecond * 8 / 1e6).ToString("0.0", CultureInfo.InvariantCulture);
}
