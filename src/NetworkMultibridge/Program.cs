using XenHotplug.Core.CommandLine;
using XenHotplug.Core.Distro;
using XenHotplug.Core.Failures;
using XenHotplug.Core.Firewall;
using XenHotplug.Core.Status;
using XenHotplug.Host.Balancing;
using XenHotplug.Host.Bridges;
using XenHotplug.Host.CommandLine;
using XenHotplug.Host.Configuration;
using XenHotplug.Host.Distro;
using XenHotplug.Host.Firewall;
using XenHotplug.Host.Ip;
using XenHotplug.Host.Logging;
using XenHotplug.Host.Native;
using XenHotplug.Host.Network;
using XenHotplug.Host.RunState;
using XenHotplug.Host.Sysfs;

namespace XenHotplug.NetworkMultibridge;

internal static class Program
{
    private const string Name = "network-multibridge";

    private const string Usage = "Usage: network-multibridge [OPTION]... start|stop|restart|status|render FORMAT|suggest|balance|watch [netdev=ethN] [bridge=xenbrN] [vifnum=N]";

    private const string Help = Usage + """


        Create, tear down and report every bridge the host configuration declares (a replacement for
        Xen's network-bridge), or write the distribution's own configuration for them. Without
        netdev=/bridge=/vifnum= every [bridge:NAME] of the configuration is acted on; with them (xend's
        network-script call) only that one bridge, declared or not.

        Commands:
          start      create each bridge (STP off, forward delay 0, MTU), give it the uplink's MAC,
                     enslave the uplink and move its IPv4/IPv6 addresses and routes onto the bridge
                     (not SLAAC addresses or 'proto ra' routes: the bridge autoconfigures its own).
                     Refuses a bridge whose uplink another tool configures: a DHCP lease (finite
                     valid_lft, 'proto dhcp' route, a DHCP client running for it), NetworkManager,
                     systemd-networkd or ifupdown (use 'render' for those hosts, or --force)
          stop       the exact reverse: addresses and routes back on the NIC, bridge deleted;
                     refuses a bridge while guest vifs are attached (see --force)
          restart    stop, then start
          status     table of bridges: BRIDGE UPLINK CARRIER SPEED ADDRESSES GUESTS POOL HEALTH
                     (and TRAFFIC before HEALTH while watch measures); unhealthy also when the bridge
                     lost an address or default route start moved onto it; the last line names the
                     configuration file read
          render FORMAT
                     print (or with --output write) the distribution's configuration for every
                     bridge: FORMAT networkd (/etc/systemd/network), ifupdown
                     (/etc/network/interfaces.d) or nm (NetworkManager keyfiles); the uplink's MAC,
                     MTU, DHCP or static addresses and routes; changes nothing
          suggest    print a multibridge.ini for the physical NICs with carrier (a template to edit)
          balance    one balancing pass over the pools with shared_segment = yes: measure each guest
                     vif's traffic for [balancer] interval seconds, then move guests off bridges whose
                     uplink lost its carrier, back home (failback = yes), and from bridges above
                     [balancer] threshold times their fair share of the traffic (--dry-run: print only)
          watch      the balancing service: fails over the moment an uplink loses its carrier (link
                     events), rebalances every [balancer] interval seconds; runs until SIGTERM

        Each bridge is started, stopped or rendered on its own: a refused one is reported on its own
        line and left exactly as it is, the others are done.

        Options:
          --json             status: print JSON for tools
          --firewall         status: list the guest vifs antispoof guards (bridge, mode, rules,
                             packets dropped) from the kernel's table bridge xen_multibridge
                             (needs root)
          -f, --force        start: move a dynamic or managed uplink's addressing anyway;
                             stop, restart: detach guest vifs first instead of refusing
          -n, --dry-run      print the plan (ip commands) and change nothing
          -o, --output DIR   render: write the files into DIR instead of printing them
          -v, --verbose      log more (informational messages also on stderr)
          -h, --help         show this help and exit
              --version      show the version and exit

        Every change is journaled in the run directory before it is made; a failure rolls the network
        back to its exact previous state, and a run killed mid-way is repaired by the next start or stop.
        start, stop, balance and watch need root (not with --dry-run); status, render and suggest do not.
        Logs: syslog facility daemon (journalctl -t network-multibridge) and stderr.

        Configuration file:
          /etc/xen/multibridge.ini, sections [bridge:NAME] uplink=ethN mtu=N, [pool:NAME] bridges=...,
          [network] naming=xenbr|legacy (legacy: the NIC ethN becomes pethN and the bridge is named ethN),
          [hotplug] run_dir=/run/xen-multibridge, [policy] antispoof=off|mac|ip. See multibridge.ini(5) and network-multibridge(8).

        Environment:
          XEN_MULTIBRIDGE_CONFIG           configuration file to read instead of /etc/xen/multibridge.ini
          XEN_MULTIBRIDGE_RUNDIR           run directory (lock and journal), default /run/xen-multibridge
          XEN_MULTIBRIDGE_<Section>__<Key> overrides one configuration value
          XEN_MULTIBRIDGE_SYSLOG           syslog socket, default /dev/log

        Exit status (start, stop, restart, render):
          0  every bridge done
          1  nothing done: no bridge could be done, the configuration is unreadable or invalid, not
             root (nothing changed for a refused bridge; a failure half-way is rolled back)
          2  bad usage
          3  partial: some bridges done, the others refused (each reported on stderr)
        Exit status (status, LSB):
          0  every declared bridge healthy (also when none is declared)
          2  bad usage
          3  a declared bridge is missing or unhealthy
          4  the configuration is unreadable or invalid, or the state could not be read
        Exit status (suggest, --help, --version): 0, or 2 for bad usage.
        """;

    private static int Main(string[] args)
    {
        NetworkArguments command;
        try
        {
            command = NetworkArguments.Parse(args);
        }
        catch (UsageException e)
        {
            return UsageError(e.Message);
        }
        switch (command.Command)
        {
            case NetworkCommand.Help:
                Console.Out.WriteLine(Help);
                return 0;
            case NetworkCommand.Version:
                Console.Out.Write(ProgramInfo.VersionText(Name, typeof(Program).Assembly));
                return 0;
        }
        using var log = LogSetup.Create(Name, command.Verbose);
        try
        {
            return Run(command, log);
        }
        catch (UsageException e)
        {
            return UsageError(e.Message);
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

    private static int Run(NetworkArguments command, Serilog.ILogger log)
    {
        var runner = new IpRunner();
        var sysfs = new SysfsNet();
        if (command.Command == NetworkCommand.Suggest)
        {
            // Reads no configuration: a starting point also where none exists yet, or the one there is broken.
            var nics = new SuggestService(sysfs, new UplinkProbe()).Find(NetStateReader.Read(runner));
            Console.Out.Write(IniSuggestion.Render(nics, ConfigLoader.PathFrom(ProcessEnvironment.Read())));
            return 0;
        }
        var config = ConfigLoader.Load(ProcessEnvironment.Read());
        if (command.Command is NetworkCommand.Balance or NetworkCommand.Watch)
            return BalanceCommand.Run(config, command, log);
        var specs = command.Bridges(config);
        var configNote = config.SourceFile ?? $"{ConfigLoader.PathFrom(ProcessEnvironment.Read())} does not exist (nothing declared)";
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
                .Render(specs, command.Format!.Value, command.OutputDirectory, config.SourceFile ?? ConfigLoader.PathFrom(ProcessEnvironment.Read())).Count;
            return failedRender == 0 ? 0 : failedRender >= specs.Count ? 1 : ExitPartialOrUnhealthy;
        }
        if (command.Command == NetworkCommand.Status)
        {
            var moved = new UplinkRecords(config.Hotplug.RunDir).Read(w => log.Warning("{Problem}", w));
            var rates = BalancerStore.FreshRates(config, w => log.Warning("{Problem}", w));
            var report = StatusReport.Build(config, specs, NetStateReader.Read(runner, specs.SelectMany(s => new[] { s.Name, s.Uplink, s.Port }).OfType<string>(), sysfs.Exists), sysfs, moved, rates) with { Config = configNote };
            Console.Out.Write(command.Json ? report.RenderJson() + "\n" : report.RenderTable());
            return report.Healthy ? 0 : ExitPartialOrUnhealthy;
        }
        if (!command.DryRun && FileOwner.EffectiveUserId != 0)
            throw new BridgeException($"{command.Command.ToString().ToLowerInvariant()} must be run as root (--dry-run shows the plan without root)");
        var manager = new BridgeManager(runner, sysfs, new Journal(config.Hotplug.RunDir), log, Console.Out, new UplinkProbe());
        using var held = command.DryRun ? null : new RunDirectory(config.Hotplug.RunDir).Lock("network", TimeSpan.FromSeconds(60));
        // stop (and restart) also hold the attach lock that every hotplug and the balancer take: an online either
        // attached before stop looked for guests (stop sees it and keeps the bridge) or looks after stop is done (and
        // attaches to what stop left, or fails cleanly) — never a connected vif whose bridge went away under it.
        using var attach = command.DryRun || command.Command is not (NetworkCommand.Stop or NetworkCommand.Restart) ? null
            : new RunDirectory(config.Hotplug.RunDir).Lock("attach", TimeSpan.FromSeconds(60));
        if (specs.Count == 0)
        {
            log.Information("no bridges declared in {File:l}: nothing to do", configNote);
            if (command.DryRun) Console.Out.WriteLine($"# no bridges declared in {configNote}: nothing to do");
        }
        var refused = command.Command switch
        {
            NetworkCommand.Start => manager.Start(specs, command.DryRun, command.Force),
            NetworkCommand.Stop => manager.Stop(specs, command.Force, command.DryRun),
            NetworkCommand.Restart => [.. manager.Stop(specs, command.Force, command.DryRun), .. manager.Start(specs, command.DryRun, command.Force)],
            _ => [],
        };
        var failed = refused.Distinct(StringComparer.Ordinal).Count();
        if (failed == 0) return 0;
        return failed >= specs.Count ? 1 : ExitPartialOrUnhealthy;
    }

    private static int UsageError(string message)
    {
        Console.Error.WriteLine($"{Name}: {message}");
        Console.Error.WriteLine(Usage);
        Console.Error.WriteLine($"Try '{Name} --help' for more information.");
        return 2;
    }

}
