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
using XenHotplug.Host.Hooks;
using XenHotplug.Host.RunState;
using XenHotplug.Host.Sysfs;
using XenHotplug.Host.Xenstore;

namespace XenHotplug.Host.Hotplug;

/// <summary>
/// One hotplug, end to end: read the vif's settings, choose the bridge (under the run-directory lock
/// when a policy is involved), run the plan as one batch (rtnetlink, or `ip -batch`), write xenstore, run
/// the hooks. On any failure the device is put back as it was and the error is raised for the caller to
/// report.
/// </summary>
public sealed class VifHotplugService(MultibridgeConfig config, IXenstore xenstore, ISysfsNet live, INetworkRunner runner, ILogger log)
{
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan HookTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Carries out the request, or with <paramref name="dryRun"/> prints what it would do and changes nothing.</summary>
    public void Run(HotplugRequest request, bool dryRun, TextWriter output)
    {
        if (request.IsAttach) Attach(request, dryRun, output);
        else Detach(request, dryRun, output);
    }

    private void Attach(HotplugRequest request, bool dryRun, TextWriter output)
    {
        var settings = VifSettingsReader.Read(xenstore, request);
        if (!dryRun && !DeviceWaiter.WaitFor(() => DeviceWaiter.DevicePresent(request, settings, live), TimeSpan.FromSeconds(config.Hotplug.DeviceWait)))
            throw new HotplugException($"device {request.Device} did not appear within {config.Hotplug.DeviceWait.ToString(CultureInfo.InvariantCulture)} s (is netback loaded?)");

        var runDir = new RunDirectory(config.Hotplug.RunDir);
        using var held = config.HasPolicy && !dryRun ? runDir.Lock("attach", LockTimeout) : null;
        // From here on the host is read once (under the lock, so other hotplugs' attaches are seen).
        var sysfs = new SysfsSnapshot(live);
        var (current, target) = VifPlanner.Names(request, settings, sysfs);
        var currentMaster = sysfs.Master(current);
        var decision = BridgePolicy.Decide(config, request, settings, sysfs, runDir.ReadCursor, currentMaster, () => BalancerStore.FreshRates(config));
        var (prepare, undoPrepare) = PrepareBridge(decision.Bridge, sysfs);
        var declared = config.FindBridgeByInterface(decision.Bridge);
        var bridgeMtu = sysfs.Exists(decision.Bridge) ? sysfs.Mtu(decision.Bridge) : declared?.Mtu;
        var plan = VifPlanner.Attach(request, settings, decision.Bridge, bridgeMtu, current, target, currentMaster)
            with
        { Preparation = prepare, UndoPreparation = undoPrepare };

        if (dryRun)
        {
            output.Write(Explain(request, settings, decision, plan));
            return;
        }
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
        try
        {
            runner.Run(plan.Operations);
        }
        catch (NetOpException e)
        {
            var renamed = current != target && e.FailedIndex > 0;
            RollBack(snapshot, renamed ? target : current, undoPrepare);
            throw new HotplugException($"attaching {request.Device} to {decision.Bridge} failed: {e.Message}; {current} was put back as it was", e);
        }
        try
        {
            xenstore.WriteMany(plan.XenstoreWrites);
        }
        catch (XenstoreException)
        {
            RollBack(snapshot, target, undoPrepare);
            throw;
        }
        if (decision.NextCursor is { } cursor && decision.Pool is { } pool) runDir.WriteCursor(pool, cursor);
        held?.Dispose();

        log.Information("{Command} {Device} on {Bridge}{Mtu}: {Why}{Pool}", request.CommandName, target, decision.Bridge,
            plan.Mtu is { } m ? $" mtu {m}" : "", decision.Reason, decision.Pool is null ? "" : $" (pool {decision.Pool}, {decision.Strategy})");
        RunHooks(request, target, decision.Bridge);
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
            return;
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
        log.Information("{Command} {Device}{From}", request.CommandName, device, master is null ? "" : " from " + master);
        RunHooks(request, device, master ?? "");
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

    private void RollBack(LinkSnapshot snapshot, string currentName, IReadOnlyList<NetOp> undoPrepare)
    {
        var restore = new List<NetOp>(snapshot.Restore(currentName));
        restore.AddRange(undoPrepare);
        foreach (var problem in runner.Run(restore, keepGoing: true))
            log.Warning("rollback of {Device}: {Problem}", snapshot.Name, problem);
    }

    private void RunHooks(HotplugRequest request, string device, string bridge)
    {
        var env = new Dictionary<string, string>(request.Variables, StringComparer.Ordinal)
        {
            ["dev"] = device,
            ["bridge"] = bridge,
            ["command"] = request.CommandName,
            ["XENBUS_PATH"] = request.XenbusPath,
        };
        HookRunner.Run(config.Hotplug.HooksDir, env, log, HookTimeout);
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
