using XenHotplug.Core.Bridges;
using XenHotplug.Core.Distro;
using XenHotplug.Core.Failures;
using XenHotplug.Core.Network;
using XenHotplug.Host.CommandLine;
using XenHotplug.Host.Network;
using XenHotplug.Host.RunState;

namespace XenHotplug.Host.Bridges;

/// <summary>
/// Runs start and stop: checks each bridge first (a bridge that fails its checks — missing NIC, an uplink another
/// tool configures, guests attached — is reported and left exactly as it is, the others go ahead), journals the
/// state of each bridge's links before changing them, runs each bridge's change as one `ip -batch`, verifies it,
/// and on a failure of the kernel puts every link this run touched back as the journal says. A journal left by a
/// killed run is rolled back first thing. Start and Stop return the bridges they refused.
/// </summary>
public sealed class BridgeManager(INetworkRunner runner, ISysfsNet sysfs, Journal journal, Serilog.ILogger log, TextWriter output,
    IUplinkProbe? probe = null)
{
    private readonly UplinkRecords _uplinks = new(Path.GetDirectoryName(journal.FilePath)!);

    private const int RestoreAttempts = 3;

    /// <summary>
    /// The network, with the VLANs of the uplink ports of VLAN-filtering bridges (one netlink dump each). Guests' ports
    /// are never a bridge's target, so their VLANs are not read: start and stop cost no more with 1024 guests attached.
    /// </summary>
    public NetState Observe()
    {
        var state = NetStateReader.Read(runner);
        var filtering = state.Links.Where(l => l.VlanFiltering).Select(l => l.Name).ToHashSet(StringComparer.Ordinal);
        if (filtering.Count == 0) return state;
        bool Uplink(LinkState l) => l.Master is { } m && filtering.Contains(m)
            && !Core.Naming.VifNames.IsGuestDevice(l.Name) && !state.GuestMarks.Contains(l.Name);
        using var rtnl = new Netlink.RtnetlinkSocket();
        return state with
        {
            Links = state.Links.Select(l => Uplink(l) ? l with { PortVlans = rtnl.PortVlanMembers(l.Name) } : l).ToList(),
        };
    }

    /// <summary>Rolls back what an interrupted run left in the journal; false when there was nothing to do.</summary>
    public bool Repair()
    {
        var record = journal.Read();
        if (record is null) return false;
        log.Warning("a previous {Action:l} (pid {Pid}) was interrupted; restoring the network as it was before it",
            record.Action, record.ProcessId);
        Rollback(record);
        log.Information("network restored after the interrupted {Action:l}", record.Action);
        return true;
    }

    public List<string> Start(IReadOnlyList<BridgeSpec> specs, bool dryRun, bool force)
    {
        if (!dryRun) Repair();
        var initial = Observe();
        var refused = new List<string>();
        var ready = new List<BridgeSpec>();
        foreach (var spec in specs)
        {
            try
            {
                BridgePlanner.Start(initial, spec);
                if (BridgePlanner.FindUplink(initial, spec) is { } nic && nic.Master != spec.Name && probe is not null
                    && UplinkGuard.Refusal(spec, nic, probe.Probe(nic)) is { } why)
                {
                    if (!force) throw new BridgeException(why);
                    log.Warning("--force: {Why:l}", why);
                }
                ready.Add(spec);
            }
            catch (BridgeException e)
            {
                Refuse("start", spec, e.Message, dryRun, refused);
            }
        }
        Apply("start", ready, dryRun, BridgePlanner.Start, "up", (before, spec) =>
        {
            // Remember the NIC's MTU, MAC, addresses and default routes as they were before the first start: stop
            // gives back the MTU and MAC, status reports the bridge unhealthy when it lost what start moved onto it.
            if (spec.Vlan is not null && BridgePlanner.FindUplink(before, spec) is null)
            {
                _uplinks.Set(new UplinkRecord(spec.Name, spec.Uplink!, before.ByName(spec.Uplink!)?.Mtu ?? 0, null, [], []) { CreatedPort = true });
            }
            else if (BridgePlanner.FindUplink(before, spec) is { } nic && nic.Master != spec.Name)
            {
                _uplinks.Set(new UplinkRecord(spec.Name, spec.Uplink!, nic.Mtu, nic.Mac,
                    nic.MovableAddresses.Select(a => a.Cidr).ToList(),
                    nic.MovableRoutes.Where(r => r.Dst == "default").Select(UplinkRecord.DefaultRouteText).ToList()));
            }
        });
        return refused;
    }

    public List<string> Stop(IReadOnlyList<BridgeSpec> specs, bool dryRun, bool force)
    {
        if (!dryRun) Repair();
        var initial = Observe();
        var ordered = new List<BridgeSpec>();
        var refused = new List<string>();
        foreach (var spec in specs.Reverse())
        {
            try
            {
                var guests = GuestsOf(spec);
                if (guests.Count > 0 && !force)
                    throw new BridgeException($"bridge {spec.Name} still has guests attached: {string.Join(", ", guests)} (shut them down, or use --force to detach them)");
                BridgePlanner.Stop(initial, spec);
                ordered.Add(spec);
            }
            catch (BridgeException e)
            {
                Refuse("stop", spec, e.Message, dryRun, refused);
            }
        }
        if (!dryRun) TestPause.At("stop-checked");
        foreach (var spec in ordered)
        {
            var guests = GuestsOf(spec);
            if (guests.Count == 0) continue;
            var detach = guests.Select(g => (NetOp)new LinkSetNoMaster(g)).ToList();
            if (dryRun)
            {
                Print($"# detach the guests of {spec.Name}", detach);
                continue;
            }
            log.Warning("--force: detaching guests {Guests:l} from {Bridge:l}", string.Join(", ", guests), spec.Name);
            runner.Run(detach);
        }
        var records = _uplinks.Read();
        Apply("stop", ordered, dryRun, (state, spec) => BridgePlanner.Stop(state, spec, records.Find(r => r.Bridge == spec.Name && r.Uplink == spec.Uplink)), "down",
            (_, spec) => _uplinks.Remove(spec.Name));
        return refused;
    }

    private void Refuse(string action, BridgeSpec spec, string why, bool dryRun, List<string> refused)
    {
        log.Error("{Message:l}", why);
        if (dryRun) output.WriteLine($"# {action} {spec}: refused, nothing changes for it");
        refused.Add(spec.Name);
    }

    private List<string> GuestsOf(BridgeSpec spec) => BridgePlanner.Guests(sysfs, spec);

    private void Apply(string action, IReadOnlyList<BridgeSpec> specs, bool dryRun, Func<NetState, BridgeSpec, DesiredState> desire, string done,
        Action<NetState, BridgeSpec> succeeded)
    {
        var record = new JournalRecord(action, Environment.ProcessId, DateTimeOffset.UtcNow, []);
        var journaled = false;
        foreach (var spec in specs)
        {
            var state = Observe();
            var plan = Converger.Plan(state, desire(state, spec));
            if (plan.Count == 0)
            {
                log.Information("{Action:l}: {Bridge:l} is already {Done:l}", action, spec.ToString(), done);
                if (dryRun) output.WriteLine($"# {action} {spec}: nothing to do");
                continue;
            }
            if (dryRun)
            {
                Print($"# {action} {spec}", plan);
                continue;
            }
            record = record with { Entries = [.. record.Entries, new JournalEntry(spec.Name, BridgePlanner.Affected(state, spec)) { VlanDevice = spec.Vlan is null ? null : spec.Port }] };
            journal.Write(record);
            journaled = true;
            try
            {
                log.Debug("{Action:l} {Bridge:l}: {Plan:l}", action, spec.ToString(), string.Join("; ", plan));
                runner.Run(plan);
                var after = Observe();
                var rest = Converger.Plan(after, desire(after, spec));
                if (rest.Count > 0)
                    throw new BridgeException($"the change did not take effect ('{rest[0]}' still needed)");
                succeeded(state, spec);
                log.Information("{Action:l}: {Bridge:l} is {Done:l}", action, spec.ToString(), done);
            }
            catch (Exception e) when (e is NetOpException or BridgeException or IOException)
            {
                var why = e is NetOpException { Failed: { } failed } ib ? $"'{failed}' failed: {ib.Error}{MissingModule(failed, ib.Error)}" : e.Message;
                log.Error("{Action:l} {Bridge:l} failed: {Error:l}; rolling back", action, spec.ToString(), why);
                Rollback(record);
                throw new BridgeException($"{action} {spec.Name} failed: {why} (the network was restored as it was)", e);
            }
        }
        if (journaled) journal.Clear();
    }

    /// <summary>Puts every journaled link back, last bridge first, then removes the journal.</summary>
    private void Rollback(JournalRecord record)
    {
        foreach (var entry in record.Entries.Reverse())
        {
            List<NetOp> plan = [];
            for (var attempt = 0; attempt < RestoreAttempts; attempt++)
            {
                var state = Observe();
                plan = Converger.Plan(state, BridgePlanner.Restore(entry.Before, entry.Bridge, entry.VlanDevice));
                if (plan.Count == 0) break;
                log.Debug("restoring {Bridge:l}: {Plan:l}", entry.Bridge, string.Join("; ", plan));
                foreach (var error in runner.Run(plan, keepGoing: true))
                    log.Warning("restoring {Bridge:l}: {Error:l}", entry.Bridge, error);
            }
            var final = Converger.Plan(Observe(), BridgePlanner.Restore(entry.Before, entry.Bridge, entry.VlanDevice));
            if (final.Count > 0)
                throw new BridgeException($"could not restore {entry.Bridge} ('{final[0]}' still needed); the journal {journal.FilePath} is kept for the next run");
        }
        journal.Clear();
    }

    /// <summary>What a kernel without 802.1Q or bridge VLAN filtering answers (an errno), said plainly.</summary>
    private static string MissingModule(NetOp failed, string error) => failed switch
    {
        VlanCreate when error.Contains("Unknown device type", StringComparison.OrdinalIgnoreCase) =>
            " (this kernel has no 802.1Q VLAN support: the 8021q module is missing)",
        BridgeCreate { VlanFiltering: true } or BridgeSetVlanFiltering { Filtering: true } when error.Contains("not supported", StringComparison.OrdinalIgnoreCase) =>
            " (this kernel's bridge cannot filter VLANs: it was built without CONFIG_BRIDGE_VLAN_FILTERING)",
        _ => "",
    };

    private void Print(string heading, IEnumerable<NetOp> plan)
    {
        output.WriteLine(heading);
        foreach (var op in plan) output.WriteLine(op);
    }
}
