using XenHotplug.Core.CommandLine;
using XenHotplug.Core.Configuration;
using XenHotplug.Core.Distro;
using XenHotplug.Core.Failures;
using XenHotplug.Core.Firewall;
using XenHotplug.Core.Metrics;
using XenHotplug.Core.Network;
using XenHotplug.Host.Bridges;
using XenHotplug.Host.Configuration;
using XenHotplug.Host.Distro;
using XenHotplug.Host.Firewall;
using XenHotplug.Host.Ip;
using XenHotplug.Host.Logging;
using XenHotplug.Host.Metrics;
using XenHotplug.Host.Native;
using XenHotplug.Host.Netlink;
using XenHotplug.Host.Network;
using XenHotplug.Host.RunState;
using XenHotplug.Host.Sysfs;

namespace XenHotplug.NetworkMultibridge;

/// <summary>
/// Runs one command of network-multibridge and reports any failure as one line on stderr and in syslog, with the
/// exit status of the command's convention (LSB for status).
/// </summary>
internal sealed class BridgeCommand(string program, bool verbose)
{
    public int Run(NetworkArguments command, IReadOnlyDictionary<string, string> environment)
    {
        using var log = LogSetup.Create(program, verbose);
        try
        {
            return Run(command, environment, log);
        }
        catch (UsageException e)
        {
            return Usage.Error(e.Message);
        }
        catch (Exception e)
        {
            // Clean failures and, as a last resort, anything unexpected: one line, non-zero exit
            // (status: 4, LSB "status unknown").
            log.Error("{Message:l}", FailureText.Describe(e));
            return command.Command == NetworkCommand.Status ? ExitStatusUnknown : 1;
        }
    }

    /// <summary>start/stop/restart: some bridges done, others refused. status: a bridge missing or unhealthy (LSB).</summary>
    private const int ExitPartialOrUnhealthy = 3;

    /// <summary>status: configuration unreadable or invalid, state unknown (LSB).</summary>
    private const int ExitStatusUnknown = 4;

    private static int Run(NetworkArguments command, IReadOnlyDictionary<string, string> environment, Serilog.ILogger log)
    {
        var runner = new IpRunner();
        var sysfs = new SysfsNet();
        if (command.Command == NetworkCommand.Suggest)
        {
            // Reads no configuration: a starting point also where none exists yet, or the one there is broken.
            var nics = new SuggestService(sysfs, new UplinkProbe()).Find(NetStateReader.Read(runner));
            Console.Out.Write(IniSuggestion.Render(nics, ConfigLoader.PathFrom(environment)));
            return 0;
        }
        var config = ConfigLoader.Load(environment);
        if (command.Command is NetworkCommand.Balance or NetworkCommand.Watch)
            return BalanceCommand.Run(config, command, log);
        if (command.Command == NetworkCommand.Top)
            return TopCommand.Run(config, command, log);
        var specs = command.Bridges(config);
        var configNote = config.SourceFile ?? $"{ConfigLoader.PathFrom(environment)} does not exist (nothing declared)";
        if (command.Command == NetworkCommand.Status && command.Firewall)
        {
            if (FileOwner.EffectiveUserId != 0)
                throw new BridgeException("status --firewall must be run as root (the kernel lists nftables only to CAP_NET_ADMIN); status alone needs no root");
            var dormant = FirewallStatus.IsDormant();
            var guards = FirewallStatus.Read(new NftRunner(), dormant);
            string? BridgeOf(string vif) => sysfs.Exists(vif) ? sysfs.Master(vif) ?? "(none)" : null;
            Console.Out.Write(command.Json ? GuardListing.RenderJson(guards, BridgeOf, dormant) : GuardListing.RenderTable(guards, BridgeOf, dormant));
            return dormant ? ExitPartialOrUnhealthy : 0;
        }
        if (command.Command == NetworkCommand.Render)
        {
            if (specs.Count == 0) log.Warning("no bridges declared in {File:l}: nothing to render", configNote);
            var failedRender = new RenderService(runner, new UplinkProbe(), log, Console.Out)
                .Render(specs, command.Format!.Value, command.OutputDirectory, config.SourceFile ?? ConfigLoader.PathFrom(environment), command.Bonds(config, specs)).Count;
            return failedRender == 0 ? 0 : failedRender >= specs.Count ? 1 : ExitPartialOrUnhealthy;
        }
        if (command.Command == NetworkCommand.Status)
        {
            void Warn(string w) => log.Warning("{Problem}", w);
            var report = StatusReader.Read(config, specs, runner, sysfs, Warn) with { Config = configNote };
            if (command.Prometheus)
            {
                // The health is among the metrics: a scrape (or a textfile cron job) is not failed for an unhealthy bridge.
                Console.Out.Write(StatusMetrics.Render(new MetricsCollector(config, sysfs, Warn).Collect(report)));
                return 0;
            }
            Console.Out.Write(command.Json ? report.RenderJson() + "\n" : report.RenderTable());
            return report.Healthy ? 0 : ExitPartialOrUnhealthy;
        }
        if (!command.DryRun && FileOwner.EffectiveUserId != 0)
            throw new BridgeException($"{command.Command.ToString().ToLowerInvariant()} must be run as root (--dry-run shows the plan without root)");
        // Link changes by rtnetlink (as the vif ports', and each one a step the crash tests can stop before); creating
        // bridges, bonds and 802.1Q devices and moving addresses and routes by ip.
        INetworkRunner changes = config.Hotplug.NetworkBackend == NetworkBackend.Ip ? runner : new NetlinkRunner(runner);
        var manager = new BridgeManager(changes, sysfs, new Journal(config.Hotplug.RunDir), log, Console.Out, new UplinkProbe());
        using var held = command.DryRun ? null : new RunDirectory(config.Hotplug.RunDir).Lock("network", TimeSpan.FromSeconds(60));
        // stop (and restart) also hold the attach lock that every hotplug and the balancer take: an online either
        // attached before stop looked for guests (stop sees it and keeps the bridge) or looks after stop is done (and
        // attaches to what stop left, or fails cleanly) — never a connected vif whose bridge went away under it.
        using var attach = command.DryRun || command.Command is not (NetworkCommand.Stop or NetworkCommand.Restart) ? null
            : new RunDirectory(config.Hotplug.RunDir).Lock("attach", TimeSpan.FromSeconds(60));
        var bonds = command.Bonds(config, specs);
        if (specs.Count == 0 && bonds.Count == 0)
        {
            log.Information("no bridges declared in {File:l}: nothing to do", configNote);
            if (command.DryRun) Console.Out.WriteLine($"# no bridges declared in {configNote}: nothing to do");
        }
        var refused = command.Command switch
        {
            NetworkCommand.Start => manager.Start(specs, command.DryRun, command.Force, bonds),
            NetworkCommand.Stop => manager.Stop(specs, command.DryRun, command.Force, bonds),
            NetworkCommand.Restart => [.. manager.Stop(specs, command.DryRun, command.Force, bonds), .. manager.Start(specs, command.DryRun, command.Force, bonds)],
            _ => [],
        };
        var failed = refused.Distinct(StringComparer.Ordinal).Count();
        if (failed == 0) return 0;
        return failed >= specs.Count + bonds.Count ? 1 : ExitPartialOrUnhealthy;
    }
}
