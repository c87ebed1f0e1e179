using System.Runtime.InteropServices;
using XenHotplug.Core.CommandLine;
using XenHotplug.Core.Configuration;
using XenHotplug.Core.Failures;
using XenHotplug.Core.Network;
using XenHotplug.Host.Balancing;
using XenHotplug.Host.Ip;
using XenHotplug.Host.Metrics;
using XenHotplug.Host.Native;
using XenHotplug.Host.Netlink;
using XenHotplug.Host.Sysfs;
using XenHotplug.Host.Xenstore;

namespace XenHotplug.NetworkMultibridge;

/// <summary>`balance [--dry-run]` and `watch`: the balancer of shared-segment pools (see <see cref="Balancer"/>).</summary>
internal static class BalanceCommand
{
    public static int Run(MultibridgeConfig config, NetworkArguments command, Serilog.ILogger log)
    {
        if (!command.DryRun && FileOwner.EffectiveUserId != 0)
            throw new BridgeException($"{command.Command.ToString().ToLowerInvariant()} must be run as root (balance --dry-run shows the plan without root)");
        INetworkRunner runner = config.Hotplug.NetworkBackend == NetworkBackend.Ip ? new IpRunner() : new NetlinkRunner(new IpRunner());
        // A connection per pass: a long-running watch survives a restarted xenstored.
        var balancer = new Balancer(config, new SysfsNet(), runner, XenstoreClient.Connect, log, Console.Out);
        if (command.Command == NetworkCommand.Balance)
        {
            balancer.Once(command.DryRun);
            return 0;
        }
        using var stop = new CancellationTokenSource();
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        var textfile = config.Metrics.Textfile is { } path ? new MetricsTextfile(path, config, command.Bridges(config), runner, new SysfsNet(), log) : null;
        if (textfile is not null) log.Information("writing the metrics to {File} after every pass", textfile.Path);
        balancer.Watch(stop.Token, textfile is null ? null : textfile.Write);
        return 0;
    }
}
