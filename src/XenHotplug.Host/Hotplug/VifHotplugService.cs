using System.Globalization;
using System.Text;
using Serilog;
using XenHotplug.Core.Configuration;
using XenHotplug.Core.Failures;
using XenHotplug.Core.Network;
using XenHotplug.Core.Placement;
using XenHotplug.Core.Plan;
using XenHotplug.Core.Request;
using XenHotplug.Host.Balancing;
using XenHotplug.Host.Firewall;
using XenHotplug.Host.Hooks;
using XenHotplug.Host.RunState;
using XenHotplug.Host.Sysfs;
using XenHotplug.Host.Xenstore;

namespace XenHotplug.Host.Hotplug;

/// <summary>
/// One hotplug, end to end: read the vif's settings, choose the bridge (under the run-directory lock
/// when a policy is involved or bridges are declared), run the plan as one batch (rtnetlink, or `ip -batch`), write xenstore, run
/// the hooks. On any failure the device is put back as it was and the error is raised for the caller to
/// report.
/// </summary>
public sealed class VifHotplugService(MultibridgeConfig config, IXenstore xenstore, ISysfsNet live, INetworkRunner runner, ILogger log)
{
    /// <summary>The run's one deadline: every wait draws from it (set by the caller at process start).</summary>
    public Deadline Deadline { get; init; } = Deadline.Start(TimeSpan.FromSeconds(config.Hotplug.Deadline));

    /// <summary>Whether a link holds addresses (null: ask the kernel); the identity guard refuses such a link.</summary>
    public Func<string, bool>? HoldsAddresses { get; init; }
    private readonly VifFirewall _firewall = new(config, log, live.Exists);

    /// <summary>Carries out the request, or with <paramref name="dryRun"/> prints what it would do and changes nothing.</summary>
    public void Run(HotplugRequest request, bool dryRun, TextWriter output)
    {
        if (request.IsAttach) Attach(request, dryRun, output);
        else Detach(request, dryRun, output);
    }

    private void Attach(HotplugRequest request, bool dryRun, TextWriter output)
    {
        var settings = VifSettingsReader.Read(xenstore, request);
        var deviceWait = TimeSpan.FromSeconds(config.Hotplug.DeviceWait);
        if (!dryRun && !DeviceWaiter.WaitFor(() => DeviceWaiter.DevicePresent(request, settings, live), Deadline.Cap(deviceWait)))
        {
            if (Deadline.Cap(deviceWait) < deviceWait) throw Deadline.Exceeded($"waiting for device {request.Device} to appear");
            throw new HotplugException($"device {request.Device} did not appear within {config.Hotplug.DeviceWait.ToString(CultureInfo.InvariantCulture)} s (is netback loaded?)");
        }

        var runDir = new RunDirectory(config.Hotplug.RunDir);
        // The attach lock: a policy's choice never races another hotplug or the balancer, and an attach never races
        // `network-multibridge stop` deleting a declared bridge (stop takes it too): the guest is either seen by stop,
        // which then keeps the bridge, or this hotplug finds the bridge as stop left it.
        using var held = (config.HasPolicy || config.Bridges.Count > 0) && !dryRun ? LockAttach(runDir) : null;
        // From here on the host is read once (under the lock, so other hotplugs' attaches are seen).
        var sysfs = new SysfsSnapshot(live);
        var (current, target) = VifPlanner.Names(request, settings, sysfs);
        // The identity guard: only this guest's own device is ever configured.
        if (sysfs.Exists(current)) DeviceIdentity.Check(request, current, sysfs, config, HoldsAddresses);
        var currentMaster = sysfs.Master(current);
        long? previousCursor = null; // what a failure after the cursor write puts back
        // State files that could not be read: said once the attach succeeded (a failure's one line names its cause).
        var stateProblems = new List<string>();
        var decision = BridgePolicy.Decide(config, request, settings, sysfs, pool => (previousCursor = runDir.ReadCursor(pool, stateProblems.Add)).Value, currentMaster, () => BalancerStore.FreshRates(config, stateProblems.Add));
        var (prepare, undoPrepare) = PrepareBridge(decision.Bridge, sysfs);
        var declared = config.FindBridgeByInterface(decision.Bridge);
        var bridgeMtu = sysfs.Exists(decision.Bridge) ? sysfs.Mtu(decision.Bridge) : declared?.Mtu;
        var plan = VifPlanner.Attach(request, settings, decision.Bridge, bridgeMtu, current, target, currentMaster)
            with
        { Preparation = prepare, UndoPreparation = undoPrepare };

        if (dryRun)
        {
            output.Write(Explain(request, settings, decision, plan) + _firewall.Explain(request, settings, decision.Pool, target));
            return;
        }
        var guard = _firewall.Plan(request, settings, decision.Pool, target);
        if (decision.Warning is { } warning) log.Warning("{Device}: {Warning}", request.Device, warning);

        var snapshot = LinkSnapshot.Take(sysfs, current);
        if (prepare.Count > 0)
        {
            try
            {
                runner.Run(prepare);
            }
            catch (NetOpException e)
            {
                runner.Run(undoPrepare, keepGoing: true);
                throw new HotplugException($"cannot create bridge {decision.Bridge}: {e.Error}", e);
            }
        }
        if (guard is not null)
        {
            try
            {
                _firewall.Install(request, guard); // before the port is up: keyed by the final name, which need not exist yet
            }
            catch (HotplugException)
            {
                runner.Run(undoPrepare, keepGoing: true);
                throw;
            }
        }
        try
        {
            runner.Run(plan.Operations);
        }
        catch (NetOpException e)
        {
            var renamed = current != target && e.FailedIndex > plan.Operations.ToList().FindIndex(o => o is LinkRename);
            RollBack(snapshot, renamed ? target : current, undoPrepare, marked: current != target);
            _firewall.Uninstall(request, currentMaster is null ? guard : null); // a port that was attached before stays guarded
            throw new HotplugException($"attaching {request.Device} to {decision.Bridge} failed: {e.Message}; {current} was put back as it was", e);
        }
        // Everything after the attach either completes or puts the host back as it was: the cursor, then xenstore.
        var cursorWritten = false;
        try
        {
            Deadline.ThrowIfExpired($"attaching {target} to {decision.Bridge}");
            if (decision.NextCursor is { } cursor && decision.Pool is { } pool)
            {
                runDir.WriteCursor(pool, cursor);
                cursorWritten = true;
            }
            xenstore.WriteMany(plan.XenstoreWrites);
        }
        catch (Exception e) when (e is XenstoreException or IOException or UnauthorizedAccessException or HotplugException)
        {
            RollBack(snapshot, target, undoPrepare, marked: current != target);
            _firewall.Uninstall(request, currentMaster is null ? guard : null);
            if (cursorWritten && decision.Pool is { } pool && previousCursor is { } previous) RestoreCursor(runDir, pool, previous);
            var what = e is XenstoreException ? "xenstore: " + e.Message
                : e is HotplugException ? e.Message
                : $"cannot store the round-robin cursor in {config.Hotplug.RunDir}: {e.Message}";
            throw new HotplugException($"{what}; {current} was put back as it was", e);
        }
        held?.Dispose();
        foreach (var problem in stateProblems) log.Warning("{Problem}", problem);

        log.Information("{Command} {Device} on {Bridge}{Mtu}: {Why}{Pool}", request.CommandName, target, decision.Bridge,
            plan.Mtu is { } m ? $" mtu {m}" : "", decision.Reason, decision.Pool is null ? "" : $" (pool {decision.Pool}, {decision.Strategy})");
        RunHooks(request, target, decision.Bridge, settings);
    }

    private void Detach(HotplugRequest request, bool dryRun, TextWriter output)
    {
        // The kernel knows where the vif really is: detach from that bridge, whatever the policy would choose now.
        // A device that still has libxl's name was never renamed: xenstore is only asked for vifname otherwise.
        var sysfs = new SysfsSnapshot(live);
        var vifname = sysfs.Exists(request.Device) ? null : ReadVifname(request);
        var settings = new VifSettings(null, null, null, vifname, null, null, null, null);
        var (device, _) = VifPlanner.Names(request, settings, sysfs);
        if (!sysfs.Exists(device))
        {
            if (dryRun) output.WriteLine($"{device} does not exist: nothing to do");
            log.Debug("{Command} {Device}: no such device, nothing to do", request.CommandName, device);
            if (!dryRun) _firewall.Release(request, device);
            return;
        }
        // The identity guard: after netback destroyed the vif, vifname may name a dom0 interface; only a
        // device that is libxl's name for this NIC or carries our mark is ever downed or detached.
        try
        {
            DeviceIdentity.Check(request, device, sysfs, config, HoldsAddresses);
        }
        catch (HotplugException) when (!dryRun)
        {
            _firewall.Release(request); // the guard is this NIC's whatever the device is: the kernel names its owner
            throw;
        }
        var master = sysfs.Master(device);
        var plan = VifPlanner.Detach(device, master);
        if (dryRun)
        {
            output.Write($"{request.CommandName} {device}" + (master is null ? " (on no bridge)\n" : $" from {master}\n") + "plan:\n" + plan.Render());
            return;
        }
        foreach (var problem in runner.Run(plan.Operations, keepGoing: true))
            log.Debug("{Command} {Device}: {Problem}", request.CommandName, device, problem);
        _firewall.Release(request, device); // after the port left the bridge: no unguarded moment
        log.Information("{Command} {Device}{From}", request.CommandName, device, master is null ? "" : " from " + master);
        RunHooks(request, device, master ?? "", settings);
    }

    private IDisposable LockAttach(RunDirectory runDir)
    {
        try
        {
            return runDir.Lock("attach", Deadline.Remaining);
        }
        catch (TimeoutException)
        {
            throw Deadline.Exceeded($"waiting for the lock in {config.Hotplug.RunDir} (another hotplug holds it)");
        }
    }

    private void RestoreCursor(RunDirectory runDir, string pool, long previous)
    {
        try
        {
            runDir.WriteCursor(pool, previous);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.Warning("rollback of the round-robin cursor of pool {Pool}: {Error}", pool, e.Message);
        }
    }

    /// <summary>The backend ip for the hooks of an offline (read only when there are hooks to run).</summary>
    private string? HookIp(HotplugRequest request)
    {
        if (request.IsAttach || !Directory.Exists(config.Hotplug.HooksDir)) return null;
        try
        {
            return xenstore.Read(request.XenbusPath + "/ip") is { Length: > 0 } v ? v.Trim() : null;
        }
        catch (XenstoreException)
        {
            return null;
        }
    }

    private string? ReadVifname(HotplugRequest request)
    {
        try
        {
            return xenstore.Read(request.XenbusPath + "/vifname") is { Length: > 0 } v ? v.Trim() : null;
        }
        catch (XenstoreException e) when (e is not XenstoreConnectionException)
        {
            return null; // the backend may be gone already
        }
    }

    /// <summary>Operations that create a declared bridge that does not exist yet, and their undo.</summary>
    private (IReadOnlyList<NetOp>, IReadOnlyList<NetOp>) PrepareBridge(string bridge, SysfsSnapshot sysfs)
    {
        if (sysfs.Exists(bridge)) return ([], []);
        var declared = config.FindBridgeByInterface(bridge) ?? throw new HotplugException($"bridge {bridge} does not exist");
        if (config.Naming == BridgeNaming.Legacy && declared.Uplink is not null)
            throw new HotplugException($"bridge {bridge} does not exist: with legacy naming its NIC must be renamed first; run 'network-multibridge start'");
        var ops = new List<NetOp> { new BridgeCreate(bridge, declared.Mtu) };
        var undo = new List<NetOp> { new LinkDelete(bridge) };
        if (declared.Uplink is { } uplink)
        {
            if (!sysfs.Exists(uplink))
                throw new HotplugException($"bridge {bridge} does not exist and its uplink {uplink} is missing");
            if (sysfs.Master(uplink) is { } m)
                throw new HotplugException($"bridge {bridge} does not exist and its uplink {uplink} is already a port of {m}");
            var addresses = runner.Query(["-o", "address", "show", "dev", uplink, "scope", "global"]);
            if (addresses.Trim().Length > 0)
                throw new HotplugException($"bridge {bridge} does not exist and its uplink {uplink} carries addresses: run 'network-multibridge start' to move them onto the bridge");
            ops.Add(new LinkSetMaster(uplink, bridge));
            ops.Add(new LinkUp(uplink));
            if (!sysfs.IsUp(uplink)) undo.Add(new LinkDown(uplink));
        }
        ops.Add(new LinkUp(bridge));
        return (ops, undo);
    }

    private void RollBack(LinkSnapshot snapshot, string currentName, IReadOnlyList<NetOp> undoPrepare, bool marked)
    {
        var restore = new List<NetOp>(snapshot.Restore(currentName, marked));
        restore.AddRange(undoPrepare);
        foreach (var problem in runner.Run(restore, keepGoing: true))
            log.Warning("rollback of {Device}: {Problem}", snapshot.Name, problem);
    }

    private void RunHooks(HotplugRequest request, string device, string bridge, VifSettings settings)
    {
        // What vif-common.sh leaves set for the code after it: dev, bridge, ip (and vifname, mac when known).
        var env = new Dictionary<string, string>(request.Variables, StringComparer.Ordinal)
        {
            ["dev"] = device,
            ["bridge"] = bridge,
            ["command"] = request.CommandName,
            ["XENBUS_PATH"] = request.XenbusPath,
            ["ip"] = settings.Ip ?? HookIp(request) ?? (request.Variables.TryGetValue("ip", out var ip) ? ip : ""),
        };
        if (settings.VifName is { } vifname) env["vifname"] = vifname;
        if (settings.Mac is { } mac) env["mac"] = mac;
        HookRunner.Run(config.Hotplug.HooksDir, env, log, Deadline.Remaining);
    }

    /// <summary>What explain and --dry-run print.</summary>
    public static string Explain(HotplugRequest request, VifSettings settings, BridgeDecision decision, VifPlan plan)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{request.CommandName} {request.Device} (domain {request.DomainId}{(settings.DomainName is null ? "" : " '" + settings.DomainName + "'")}, device {request.DeviceId}, {request.XenbusPath})\n");
        text.Append(CultureInfo.InvariantCulture, $"bridge: {decision.Bridge}\n");
        text.Append(CultureInfo.InvariantCulture, $"  why: {decision.Reason}\n");
        if (decision.Pool is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $"  pool: {decision.Pool}, strategy {decision.Strategy}\n");
            foreach (var c in decision.Candidates)
            {
                text.Append(CultureInfo.InvariantCulture, $"    {c.Name,-15} guests {c.Load,3}  weight {c.Weight,4:0.##}  {(c.Healthy ? "healthy" : "UNHEALTHY"),-9}  {c.Health}{(c.Rate is { } r ? "  traffic " + (r * 8 / 1e6).ToString("0.0", CultureInfo.InvariantCulture) + " Mbit/s" : "")}{(c.Name == decision.Bridge ? "  <- chosen" : "")}\n");
            }
        }
        if (decision.Warning is not null) text.Append(CultureInfo.InvariantCulture, $"  warning: {decision.Warning}\n");
        text.Append("plan:\n").Append(plan.Render());
        return text.ToString();
    }
}
