using XenHotplug.Core.CommandLine;
using XenHotplug.Core.Failures;
using XenHotplug.Core.Firewall;
using XenHotplug.Core.Network;
using XenHotplug.Core.Status;
using XenHotplug.Host.Balancing;
using XenHotplug.Host.Bridges;
using XenHotplug.Host.CommandLine;
using XenHotplug.Host.Configuration;
using XenHotplug.Host.Firewall;
using XenHotplug.Host.Ip;
using XenHotplug.Host.Logging;
using XenHotplug.Host.Native;
using XenHotplug.Host.RunState;
using XenHotplug.Host.Sysfs;

namespace XenHotplug.NetworkMultibridge;

internal static class Program
{
    private const string Name = "network-multibridge";

    private const string Usage = "Usage: network-multibridge [OPTION]... start|stop|restart|status|balance|watch [netdev=ethN] [bridge=xenbrN] [vifnum=N]";

    private const string Help = Usage + """


        Create, tear down and report every bridge the host configuration declares (a replacement for
        Xen's network-bridge). Without netdev=/bridge=/vifnum= every [bridge:NAME] of the configuration
        is acted on; with them (xend's network-script call) only that one bridge, declared or not.

        Commands:
          start      create each bridge (STP off, forward delay 0, MTU), give it the uplink's MAC,
                     enslave the uplink and move its IPv4/IPv6 addresses and routes onto the bridge
          stop       the exact reverse: addresses and routes back on the NIC, bridge deleted;
                     refuses while guest vifs are attached (see --force)
          restart    stop, then start
          status     table of bridges: uplink, carrier, speed, addresses, guests, pool, health
          balance    one balancing pass over the pools with shared_segment = yes: measure each guest
                     vif's traffic for [balancer] interval seconds, then move guests off bridges whose
                     uplink lost its carrier, back home (failback = yes), and from bridges above
                     [balancer] threshold times their fair share of the traffic (--dry-run: print only)
          watch      the balancing service: fails over the moment an uplink loses its carrier (link
                     events), rebalances every [balancer] interval seconds; runs until SIGTERM

        Options:
          --json         status: print JSON for tools
          --firewall     status: list the guest vifs antispoof guards (bridge, mode, rules, packets
                         dropped) from the kernel's table bridge xen_multibridge
          -f, --force    stop: detach guest vifs first instead of refusing
          -n, --dry-run  print the plan (ip commands) and change nothing
          -v, --verbose  log more (informational messages also on stderr)
          -h, --help     show this help and exit
              --version  show the version and exit

        Every change is journaled in the run directory before it is made; a failure rolls the network
        back to its exact previous state, and a run killed mid-way is repaired by the next start or stop.
        start, stop, balance and watch need root (not with --dry-run); status does not.

        Configuration file:
          /etc/xen/multibridge.ini, sections [bridge:NAME] uplink=ethN mtu=N, [pool:NAME] bridges=...,
          [network] naming=xenbr|legacy (legacy: the NIC ethN becomes pethN and the bridge is named ethN),
          [hotplug] run_dir=/run/xen-multibridge, [policy] antispoof=off|mac|ip (see vif-multibridge).

        Environment:
          XEN_MULTIBRIDGE_CONFIG           configuration file to read instead of /etc/xen/multibridge.ini
          XEN_MULTIBRIDGE_RUNDIR           run directory (lock and journal), default /run/xen-multibridge
          XEN_MULTIBRIDGE_<Section>__<Key> overrides one configuration value
          XEN_MULTIBRIDGE_SYSLOG           syslog socket, default /dev/log

        Exit status:
          0  success (status: every bridge healthy)
          1  failure, bad configuration or input (nothing changed), or status found a bridge missing/unhealthy
          2  bad usage
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
            // Clean failures and, as a last resort, anything unexpected: one line, non-zero exit.
            log.Error("{Message:l}", FailureText.Describe(e));
            return 1;
        }
    }

    private static int Run(NetworkArguments command, Serilog.ILogger log)
    {
        var config = ConfigLoader.Load(ProcessEnvironment.Read());
        if (command.Command is NetworkCommand.Balance or NetworkCommand.Watch)
            return BalanceCommand.Run(config, command, log);
        var specs = command.Bridges(config);
        var runner = new IpRunner();
        var sysfs = new SysfsNet();
        if (command.Command == NetworkCommand.Status && command.Firewall)
        {
            var guards = FirewallStatus.Read(new NftRunner());
            string? BridgeOf(string vif) => sysfs.Exists(vif) ? sysfs.Master(vif) ?? "(none)" : null;
            Console.Out.Write(command.Json ? GuardListing.RenderJson(guards, BridgeOf) : GuardListing.RenderTable(guards, BridgeOf));
            return 0;
        }
        if (command.Command == NetworkCommand.Status)
        {
            var report = StatusReport.Build(config, specs, NetState.Read(runner), sysfs, BalancerStore.FreshRates(config));
            Console.Out.Write(command.Json ? report.RenderJson() + "\n" : report.RenderTable());
            return report.Healthy ? 0 : 1;
        }
        if (!command.DryRun && FileOwner.EffectiveUserId != 0)
            throw new BridgeException($"{command.Command.ToString().ToLowerInvariant()} must be run as root (--dry-run shows the plan without root)");
        var manager = new BridgeManager(runner, sysfs, new Journal(config.Hotplug.RunDir), log, Console.Out);
        using var held = command.DryRun ? null : new RunDirectory(config.Hotplug.RunDir).Lock("network", TimeSpan.FromSeconds(60));
        if (specs.Count == 0)
            log.Information("no bridges declared in {File}: nothing to do", config.SourceFile ?? ConfigLoader.DefaultPath);
        switch (command.Command)
        {
            case NetworkCommand.Start:
                manager.Start(specs, command.DryRun);
                break;
            case NetworkCommand.Stop:
                manager.Stop(specs, command.Force, command.DryRun);
                break;
            case NetworkCommand.Restart:
                manager.Stop(specs, command.Force, command.DryRun);
                manager.Start(specs, command.DryRun);
                break;
        }
        return 0;
    }

    private static int UsageError(string message)
    {
        Console.Error.WriteLine($"{Name}: {message}");
        Console.Error.WriteLine(Usage);
        Console.Error.WriteLine($"Try '{Name} --help' for more information.");
        return 2;
    }

}
