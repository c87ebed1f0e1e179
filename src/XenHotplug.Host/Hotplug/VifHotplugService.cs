using System.Globalization;
using System.Text;
using Serilog;
using XenHotplug.Core.Configuration;
using XenHotplug.Core.Failures;
using XenHotplug.Core.Network;
using XenHotplug.Core.Plan;
using XenHotplug.Core.Request;
using XenHotplug.Host.Firewall;
using XenHotplug.Host.Hooks;
using XenHotplug.Host.RunState;
using XenHotplug.Host.Sysfs;
using XenHotplug.Host.Xenstore;

namespace XenHotplug.Host.Hotplug;

/// <summary>
/// One hotplug, end to end. An attach: read the vif's settings and the host once (under the run-directory lock when
/// a policy is involved or bridges are declared), plan the whole attach in the core (<see cref="AttachPlanner"/>),
/// run it (<see cref="AttachExecutor"/>: on any failure the undos of what ran put the host back as it was), run the
/// hooks. A detach: down and detach the device from the bridge it is really on, best effort.
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
        using var held = TakesLock && !dryRun ? LockAttach(runDir) : null;
        // Three moves: the host is read once (under the lock, so other hotplugs' attaches are seen), the core plans
        // the whole attach, the host runs the plan's steps (and on a failure their undos, in one place).
        var stateProblems = new List<string>(); // state files that could not be read: said once the attach succeeded
        var facts = AttachFactsReader.Read(config, request, settings, new SysfsSnapshot(live), runDir, HoldsAddresses ?? DeviceIdentity.HoldsAddresses, stateProblems);
        var plan = AttachPlanner.Plan(config, request, facts);
        if (dryRun)
        {
            output.Write(Explain(request, settings, plan) + _firewall.Explain(request, settings, plan.Decision.Pool, plan.Target, plan.Vlans));
            return;
        }
        if (plan.Decision.Warning is { } warning) log.Warning("{Device}: {Warning}", request.Device, warning);
        new AttachExecutor(new HostAttachEffects(request, runner, _firewall, runDir, xenstore), Deadline, log).Execute(request, plan);
        held?.Dispose();
        foreach (var problem in stateProblems) log.Warning("{Problem}", problem);

        var decision = plan.Decision;
        log.Information("{Command} {Device} on {Bridge}{Mtu}: {Why}{Pool}", request.CommandName, plan.Target, decision.Bridge,
            plan.Mtu is { } m ? $" mtu {m}" : "", decision.Reason, decision.Pool is null ? "" : $" (pool {decision.Pool}, {decision.Strategy})");
        RunHooks(request, plan.Target, decision.Bridge, settings);
    }

    /// <summary>Whether hotplugs take the attach lock: with a policy, declared bridges or a guard to install or remove.</summary>
    private bool TakesLock => config.HasPolicy || config.Bridges.Count > 0 || config.UsesAntispoof;

    private void Detach(HotplugRequest request, bool dryRun, TextWriter output)
    {
        // The attach lock too: an offline racing an online of the same NIC could otherwise take the port off the bridge
        // and remove its guard between the online's install of the guard and its attach, leaving the port on the bridge
        // unguarded (ConcurrentGuardTests); under the lock one runs after the other, and the hooks run after it.
        // Best effort: an offline that cannot lock (a run directory in the way, a lock held past the deadline) still
        // detaches and removes the guard, as it did before it locked.
        (string Device, string Bridge, VifSettings Settings)? hooks;
        using (TakesLock && !dryRun ? TryLockDetach(request) : null)
        {
            hooks = DetachLocked(request, dryRun, output);
        }
        if (hooks is { } h) RunHooks(request, h.Device, h.Bridge, h.Settings);
    }

    /// <summary>The attach lock for an offline, waiting at most half the time left; null (said) when it cannot be had.</summary>
    private IDisposable? TryLockDetach(HotplugRequest request)
    {
        try
        {
            return new RunDirectory(config.Hotplug.RunDir).Lock("attach", Deadline.Remaining / 2);
        }
        catch (Exception e) when (e is IOException or TimeoutException or UnauthorizedAccessException)
        {
            log.Warning("{Command} {Device}: going on without the attach lock: {Message}", request.CommandName, request.Device, e.Message);
            return null;
        }
    }

    private (string Device, string Bridge, VifSettings Settings)? DetachLocked(HotplugRequest request, bool dryRun, TextWriter output)
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
            return null;
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
            return null;
        }
        foreach (var problem in runner.Run(plan.Operations, keepGoing: true))
            log.Debug("{Command} {Device}: {Problem}", request.CommandName, device, problem);
        _firewall.Release(request, device); // after the port left the bridge: no unguarded moment
        log.Information("{Command} {Device}{From}", request.CommandName, device, master is null ? "" : " from " + master);
        return (device, master ?? "", settings);
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
    public static string Explain(HotplugRequest request, VifSettings settings, AttachPlan plan)
    {
        var decision = plan.Decision;
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{request.CommandName} {request.Device} (domain {request.DomainId}{(settings.DomainName is null ? "" : " '" + settings.DomainName + "'")}, device {request.DeviceId}, {request.XenbusPath})\n");
        text.Append(CultureInfo.InvariantCulture, $"bridge: {decision.Bridge}\n");
        text.Append(CultureInfo.InvariantCulture, $"  why: {decision.Reason}\n");
        if (plan.Vlans is { } vlans) text.Append(CultureInfo.InvariantCulture, $"  vlans: {vlans} (PVID {(vlans.Pvid is { } p ? p.ToString(CultureInfo.InvariantCulture) : "none: untagged frames are dropped")})\n");
        if (plan.Vlans is not null && plan.VlanSource is { } source) text.Append(CultureInfo.InvariantCulture, $"    from: {source}\n");
        if (decision.Pool is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $"  pool: {decision.Pool}, strategy {decision.Strategy}\n");
            foreach (var c in decision.Candidates)
            {
                text.Append(CultureInfo.InvariantCulture, $"    {c.Name,-15} guests {c.Load,3}  weight {c.Weight,4:0.##}  {(c.Excluded is not null ? "EXCLUDED" : c.Healthy ? "healthy" : "UNHEALTHY"),-9}  {c.Excluded ?? c.Health}{(c.Rate is { } r ? "  traffic " + (r * 8 / 1e6).ToString("0.0", CultureInfo.InvariantCulture) + " Mbit/s" : "")}{(c.Name == decision.Bridge ? "  <- chosen" : "")}\n");
            }
        }
        if (decision.Warning is not null) text.Append(CultureInfo.InvariantCulture, $"  warning: {decision.Warning}\n");
        if (plan.Isolated is { } isolated) text.Append(CultureInfo.InvariantCulture, $"port: isolated\n  why: {isolated}\n");
        text.Append("plan:\n").Append(plan.Render());
        return text.ToString();
    }
}
