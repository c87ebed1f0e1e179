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

    /// <summary>
    /// Builds <paramref name="bonds"/> (before the bridges: a bridge's uplink or trunk may be one) and starts <paramref name="specs"/>.
    /// </summary>
    public List<string> Start(IReadOnlyList<BridgeSpec> specs, bool dryRun, bool force, IReadOnlyList<BondSpec>? bonds = null)
    {
        if (!dryRun) Repair();
        var initial = Observe();
        var refused = new List<string>();
        var units = new List<Unit>();
        var projected = initial;
        foreach (var bond in bonds ?? [])
        {
            try
            {
                BondPlanner.Start(initial, bond);
                foreach (var slave in bond.Slaves.Select(initial.ByName).OfType<LinkState>().Where(l => l.Master != bond.Name && l.MovableAddresses.Any()))
                    Guard($"bond {bond.Name}: not moving {slave.Name}", slave, force);
                units.Add(BondStart(bond));
                projected = BondPlanner.Project(projected, bond);
            }
            catch (BridgeException e)
            {
                Refuse("start", bond.ToString(), bond.Name, e.Message, dryRun, refused);
            }
        }
        foreach (var spec in specs)
        {
            try
            {
                BridgePlanner.Start(projected, spec);
                if (BridgePlanner.FindUplink(projected, spec) is { } nic && nic.Master != spec.Name && initial.ByName(nic.Name) is not null)
                    Guard($"bridge {spec.Name}: not moving {nic.Name}", nic, force);
                units.Add(BridgeStart(spec));
            }
            catch (BridgeException e)
            {
                Refuse("start", spec.ToString(), spec.Name, e.Message, dryRun, refused);
            }
        }
        Apply("start", units, dryRun, "up", refused);
        return refused;
    }

    /// <summary>Refuses (or with --force warns about) moving the addressing of a NIC that DHCP or the distribution's tools configure.</summary>
    private void Guard(string what, LinkState nic, bool force)
    {
        if (probe is null || UplinkGuard.Cause(nic, probe.Probe(nic)) is not { } cause) return;
        var why = $"{what}: {cause}; {UplinkGuard.WayOut}";
        if (!force) throw new BridgeException(why);
        log.Warning("--force: {Why:l}", why);
    }

    private Unit BridgeStart(BridgeSpec spec) => new(spec.Name, spec.ToString(), state => BridgePlanner.Start(state, spec),
        state => BridgePlanner.Affected(state, spec), spec.Vlan is null ? null : spec.Port, null, before =>
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

    /// <summary>A bond start builds is recorded with its slaves as they were (stop gives them back); one it found is not stop's to take apart.</summary>
    private Unit BondStart(BondSpec bond) => new(bond.Name, bond.ToString(), state => BondPlanner.Start(state, bond),
        state => BondPlanner.Affected(state, bond), bond.Name, state => BondPlanner.Project(state, bond), before =>
        {
            if (BondPlanner.FindBond(before, bond) is null)
            {
                _uplinks.Set(new UplinkRecord(bond.Name, bond.Name, 0, null, [], []) { CreatedPort = true, Slaves = BondPlanner.Affected(before, bond) });
            }
        });

    /// <summary>Stops <paramref name="specs"/> (last first), then takes apart the <paramref name="bonds"/> start built.</summary>
    public List<string> Stop(IReadOnlyList<BridgeSpec> specs, bool dryRun, bool force, IReadOnlyList<BondSpec>? bonds = null)
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
                Refuse("stop", spec.ToString(), spec.Name, e.Message, dryRun, refused);
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
        var units = ordered.Select(spec => new Unit(spec.Name, spec.ToString(),
            state => BridgePlanner.Stop(state, spec, records.Find(r => r.Bridge == spec.Name && r.Uplink == spec.Uplink)),
            state => BridgePlanner.Affected(state, spec), spec.Vlan is null ? null : spec.Port, null, _ => _uplinks.Remove(spec.Name))).ToList();
        // A bond is checked at its turn: the bridges and VLAN devices on it are gone by then (or it is refused, as it is).
        units.AddRange((bonds ?? []).Reverse().Select(bond => new Unit(bond.Name, bond.ToString(),
            state => BondPlanner.Stop(state, bond, records.Find(r => r.Bridge == bond.Name && r.Slaves is not null)),
            state => BondPlanner.Affected(state, bond), bond.Name, null, _ => _uplinks.Remove(bond.Name))));
        Apply("stop", units, dryRun, "down", refused);
        return refused;
    }

    private void Refuse(string action, string what, string name, string why, bool dryRun, List<string> refused)
    {
        log.Error("{Message:l}", why);
        if (dryRun) output.WriteLine($"# {action} {what}: refused, nothing changes for it");
        refused.Add(name);
    }

    private List<string> GuestsOf(BridgeSpec spec) => BridgePlanner.Guests(sysfs, spec);

    /// <summary>
    /// One bridge or bond start or stop changes: its desired state, the links it touches, the device it may create (the
    /// rollback deletes it), the state a dry run assumes once it is done (null: as observed), and what to record after it.
    /// </summary>
    private sealed record Unit(string Name, string Text, Func<NetState, DesiredState> Desire, Func<NetState, List<LinkState>> Affected,
        string? CreatedDevice, Func<NetState, NetState>? Projected, Action<NetState> Succeeded);

    private void Apply(string action, IReadOnlyList<Unit> units, bool dryRun, string done, List<string> refused)
    {
        var record = new JournalRecord(action, Environment.ProcessId, DateTimeOffset.UtcNow, []);
        var journaled = false;
        NetState? assumed = null;
        foreach (var unit in units)
        {
            var state = assumed ?? Observe();
            List<NetOp> plan;
            try
            {
                plan = Converger.Plan(state, unit.Desire(state));
            }
            catch (BridgeException e)
            {
                // Checked at its turn (what it stands on changed since): refused, left as it is; the others go ahead.
                Refuse(action, unit.Text, unit.Name, e.Message, dryRun, refused);
                continue;
            }
            if (plan.Count == 0)
            {
                log.Information("{Action:l}: {Bridge:l} is already {Done:l}", action, unit.Text, done);
                if (dryRun) output.WriteLine($"# {action} {unit.Text}: nothing to do");
                continue;
            }
            if (dryRun)
            {
                Print($"# {action} {unit.Text}", plan);
                if (unit.Projected is not null) assumed = unit.Projected(state);
                continue;
            }
            if (plan.Exists(op => op is BondCreate) && !BondingModule.Ensure(out var modprobe))
                log.Warning("the bonding module is not loaded{Why:l}", modprobe is null ? "" : ": " + modprobe);
            record = record with { Entries = [.. record.Entries, new JournalEntry(unit.Name, unit.Affected(state)) { CreatedDevice = unit.CreatedDevice }] };
            journal.Write(record);
            journaled = true;
            try
            {
                log.Debug("{Action:l} {Bridge:l}: {Plan:l}", action, unit.Text, string.Join("; ", plan));
                runner.Run(plan);
                var after = Observe();
                var rest = Converger.Plan(after, unit.Desire(after));
                if (rest.Count > 0)
                    throw new BridgeException($"the change did not take effect ('{rest[0]}' still needed)");
                unit.Succeeded(state);
                log.Information("{Action:l}: {Bridge:l} is {Done:l}", action, unit.Text, done);
            }
            catch (Exception e) when (e is NetOpException or BridgeException or IOException)
            {
                var why = e is NetOpException { Failed: { } failed } ib ? $"'{failed}' failed: {ib.Error}{MissingModule(failed, ib.Error)}" : e.Message;
                log.Error("{Action:l} {Bridge:l} failed: {Error:l}; rolling back", action, unit.Text, why);
                Rollback(record);
                throw new BridgeException($"{action} {unit.Name} failed: {why} (the network was restored as it was)", e);
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
                plan = Converger.Plan(state, BridgePlanner.Restore(entry.Before, entry.Bridge, entry.CreatedDevice));
                if (plan.Count == 0) break;
                log.Debug("restoring {Bridge:l}: {Plan:l}", entry.Bridge, string.Join("; ", plan));
                foreach (var error in runner.Run(plan, keepGoing: true))
                    log.Warning("restoring {Bridge:l}: {Error:l}", entry.Bridge, error);
            }
            var final = Converger.Plan(Observe(), BridgePlanner.Restore(entry.Before, entry.Bridge, entry.CreatedDevice));
            if (final.Count > 0)
                throw new BridgeException($"could not restore {entry.Bridge} ('{final[0]}' still needed); the journal {journal.FilePath} is kept for the next run");
        }
        journal.Clear();
    }

    /// <summary>What a kernel without 802.1Q, bonding or bridge VLAN filtering answers (an errno), said plainly.</summary>
    private static string MissingModule(NetOp failed, string error) => failed switch
    {
        BondCreate when error.Contains("Unknown device type", StringComparison.OrdinalIgnoreCase) =>
            " (this kernel has no bonding support: the bonding module is missing)",
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
