using System.Diagnostics;
using System.Globalization;
using Serilog;
using XenHotplug.Core.Balancing;
using XenHotplug.Core.Configuration;
using XenHotplug.Core.Metrics;
using XenHotplug.Core.Network;
using XenHotplug.Host.Netlink;
using XenHotplug.Host.RunState;
using XenHotplug.Host.Xenstore;

namespace XenHotplug.Host.Balancing;

/// <summary>
/// `network-multibridge balance` (one pass over a measured window) and `watch` (the service): survey the host, plan
/// with <see cref="MovePlanner"/>, move ports with <see cref="PortMover"/>. Every pass holds the run directory's
/// attach lock that vif-multibridge takes, so a move never races a hotplug; the state it reads is re-read under
/// that lock each pass, so guests appearing and disappearing are simply seen (or not) by the next pass.
/// </summary>
public sealed class Balancer(MultibridgeConfig config, ISysfsNet sysfs, INetworkRunner runner, Func<IXenstore> xenstore, ILogger log, TextWriter output)
{
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(60);
    private readonly RunDirectory _runDir = new(config.Hotplug.RunDir);
    private readonly BalancerStore _store = new(config.Hotplug.RunDir);
    private readonly TrafficCounters _counters = new();
    private readonly PortMover _mover = new(sysfs, runner, log);
    private string? _unrecorded; // the last write failure of balancer.json, so a full run directory is not said every pass

    private bool AnyShared => config.Pools.Values.Any(p => p.SharedSegment);

    /// <summary>One pass: measure traffic for [balancer] interval seconds, then fail over, fail back and rebalance.</summary>
    public void Once(bool dryRun)
    {
        if (!AnyShared)
        {
            output.WriteLine("no pool has shared_segment = yes: nothing is balanced");
            return;
        }
        _counters.Sample(GuestPorts());
        Thread.Sleep(TimeSpan.FromSeconds(config.Balancer.Interval));
        var rates = _counters.Sample(GuestPorts());
        output.WriteLine($"measured {_counters.WindowSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s of traffic");
        var moves = Pass(rates, dryRun, rebalance: true, verbose: true);
        if (moves == 0) output.WriteLine("nothing to move");
    }

    /// <summary>
    /// The service: failover the moment a link event says an uplink changed, rebalancing every interval, until
    /// cancelled. <paramref name="afterPass"/> runs after each pass (the metrics textfile); what it throws is its own business.
    /// </summary>
    public void Watch(CancellationToken stop, Action? afterPass = null)
    {
        if (!AnyShared) log.Warning("no pool has shared_segment = yes: watching, but nothing will be moved");
        using var events = new LinkEvents(); // subscribed before the first look, so no change is missed
        var interval = TimeSpan.FromSeconds(config.Balancer.Interval);
        _counters.Sample(GuestPorts());
        IReadOnlyDictionary<string, double> rates = new Dictionary<string, double>();
        log.Information("watching pools {Pools} (rebalancing every {Interval} s)",
            string.Join(", ", config.Pools.Values.Where(p => p.SharedSegment).Select(p => p.Name)), config.Balancer.Interval);
        WatchPass(rates, rebalance: false);
        afterPass?.Invoke();
        var next = DateTimeOffset.UtcNow + interval;
        while (!stop.IsCancellationRequested)
        {
            var wait = next - DateTimeOffset.UtcNow;
            var changed = events.Wait(wait < TimeSpan.Zero ? TimeSpan.Zero : wait < TimeSpan.FromSeconds(1) ? wait : TimeSpan.FromSeconds(1));
            if (stop.IsCancellationRequested) break;
            if (changed.Count > 0 && Relevant(changed))
            {
                log.Debug("link events: {Links}", string.Join(" ", changed));
                WatchPass(rates, rebalance: false);
                afterPass?.Invoke();
            }
            if (DateTimeOffset.UtcNow >= next)
            {
                rates = _counters.Sample(GuestPorts());
                WatchPass(rates, rebalance: true);
                afterPass?.Invoke();
                next = DateTimeOffset.UtcNow + interval;
            }
        }
        log.Information("stopped watching");
    }

    /// <summary>A pass of the service: a lock it could not get in time is said and tried again by the next pass.</summary>
    private void WatchPass(IReadOnlyDictionary<string, double> rates, bool rebalance)
    {
        try
        {
            Pass(rates, dryRun: false, rebalance, verbose: false);
        }
        catch (TimeoutException e)
        {
            log.Warning("{Error}: this pass is skipped", e.Message);
        }
    }

    private bool Relevant(IReadOnlySet<string> changed)
    {
        if (changed.Contains(LinkEvents.Everything)) return true;
        foreach (var pool in config.Pools.Values.Where(p => p.SharedSegment))
        {
            foreach (var b in pool.Bridges)
            {
                if (changed.Contains(config.BridgeInterface(b)) || (config.UplinkPort(b) is { } u && changed.Contains(u))) return true;
            }
        }
        return false;
    }

    private List<string> GuestPorts()
    {
        var ports = new List<string>();
        foreach (var b in config.Pools.Values.SelectMany(p => p.Bridges).Distinct(StringComparer.Ordinal))
        {
            var name = config.BridgeInterface(b);
            if (sysfs.IsBridge(name)) ports.AddRange(Core.Network.GuestPorts.On(sysfs, name, config.UplinkPort(b)));
        }
        return ports;
    }

    /// <summary>
    /// Surveys, plans and moves under the attach lock; returns the number of moves made (or planned, dry run). First
    /// finishes the moves a killed balancer left half done (their recorded intent). Bookkeeping never stops a move:
    /// what cannot be recorded (a full or broken run directory) is said in the journal and the pass carries on.
    /// </summary>
    private int Pass(IReadOnlyDictionary<string, double> rates, bool dryRun, bool rebalance, bool verbose)
    {
        var started = Stopwatch.GetTimestamp();
        using var held = dryRun ? null : LockOrCarryOn();
        var now = DateTimeOffset.UtcNow;
        var record = _store.Read(w => log.Warning("{Problem}", w));
        if (!dryRun && record.Pending.Count > 0)
        {
            foreach (var pending in record.Pending) _mover.Finish(pending);
            record.Pending.Clear();
            Save(record, "that the interrupted moves are finished");
        }
        IXenstore? connection = null;
        BalanceState state;
        try
        {
            state = BalanceSurvey.Take(config, sysfs, () => connection ??= xenstore(), rates, record, now, w => log.Warning("{Warning}", w));
        }
        finally
        {
            connection?.Dispose();
        }
        var settings = BalanceSettings.From(config.Balancer);
        if (!rebalance) settings = settings with { Rebalance = false }; // a link event: rates are not re-measured, failback keeps the limit
        var plan = MovePlanner.Plan(state, settings);
        foreach (var note in plan.Notes)
        {
            if (verbose) output.WriteLine(note);
            else log.Debug("{Note}", note);
        }
        if (dryRun)
        {
            foreach (var m in plan.Moves) output.WriteLine($"would move {m}");
            return plan.Moves.Count;
        }
        var made = 0;
        foreach (var move in plan.Moves)
        {
            var guest = state.Guests.First(g => g.Vif == move.Vif);
            var uplink = state.Pools.SelectMany(p => p.Bridges).FirstOrDefault(b => b.Name == move.To)?.Uplink;
            var failback = guest.Pool is { } p && config.Pools.TryGetValue(p, out var pool) && pool.Failback;
            var newHome = move.Kind == MoveKind.Failover && failback && !record.Homes.ContainsKey(move.Vif);
            if (newHome) record.Homes[move.Vif] = move.From;
            // Written before the move: a balancer killed mid-way still knows where this guest belongs and how to finish.
            void Intent(PendingMove pending)
            {
                record.Pending.Add(pending);
                Save(record, $"the intent of moving {move.Vif} {move.From} -> {move.To}" + (newHome ? $" (and its home {move.From}: failback will not bring it back)" : "")
                    + " (a crash mid-move would lose its bridge-port flags)");
            }
            var moved = _mover.Move(move, guest.Mac, uplink, config.Balancer.Announce, Intent);
            record.Pending.RemoveAll(x => x.Vif == move.Vif);
            if (!moved)
            {
                if (newHome) record.Homes.Remove(move.Vif);
                continue;
            }
            made++;
            var reason = StatusMetrics.Reason(move.Kind);
            record.MoveTotals[reason] = (record.MoveTotals.TryGetValue(reason, out var total) ? total : 0) + 1;
            output.WriteLine($"moved {move}");
            if (move.Kind != MoveKind.Rejoin) record.Moves.Add(new MoveRecord(move.Vif, move.From, move.To, move.Kind, now));
            if (move.Kind == MoveKind.Failback) record.Homes.Remove(move.Vif);
            Save(record, $"the move of {move.Vif} {move.From} -> {move.To} (the move limit and hold time do not count it)");
        }
        var present = state.Guests.Select(g => g.Vif).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in record.Homes.Keys.Where(v => !present.Contains(v)).ToList()) record.Homes.Remove(gone);
        record.Moves.RemoveAll(m => now - m.At > TimeSpan.FromMinutes(10));
        if (rebalance && rates.Count > 0)
        {
            record.BridgeRates = state.Guests.GroupBy(g => g.Bridge).ToDictionary(g => g.Key, g => g.Sum(x => x.Rate), StringComparer.Ordinal);
            record.MeasuredAt = now;
        }
        record.LastPassSeconds = Math.Round(Stopwatch.GetElapsedTime(started).TotalSeconds, 6);
        record.LastPassAt = DateTimeOffset.UtcNow;
        Save(record, "the pass (measured traffic for least-traffic placement and status)");
        return made;
    }

    /// <summary>
    /// The attach lock; when the run directory cannot hold it (not a directory, a broken lock file) the pass carries
    /// on without it, said in the journal: failover does not wait for bookkeeping. A lock held by someone else is
    /// still waited for (a hotplug holds it for a moment).
    /// </summary>
    private IDisposable? LockOrCarryOn()
    {
        try
        {
            return _runDir.Lock("attach", LockTimeout);
        }
        catch (IOException e)
        {
            log.Warning("cannot take the attach lock ({Error}): this pass runs without it", e.Message);
            return null;
        }
    }

    /// <summary>Writes balancer.json; a failure is one journal line (repeated only when it changes) and the pass goes on.</summary>
    private void Save(BalancerRecord record, string what)
    {
        try
        {
            _store.Write(record);
            if (_unrecorded is not null) log.Information("{File} is written again", _store.Path);
            _unrecorded = null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (_unrecorded != e.Message || !what.StartsWith("the pass", StringComparison.Ordinal))
                log.Warning("cannot record {What} in {File}: {Error}; carrying on without it", what, _store.Path, e.Message);
            _unrecorded = e.Message;
        }
    }
}
