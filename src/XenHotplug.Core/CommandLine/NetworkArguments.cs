using System.Globalization;
using XenHotplug.Core.Bridges;
using XenHotplug.Core.Configuration;
using XenHotplug.Core.Failures;
using XenHotplug.Core.Naming;
using XenHotplug.Core.Render;

namespace XenHotplug.Core.CommandLine;

/// <summary>
/// `network-multibridge [options] start|stop|restart|status [netdev=ethN] [bridge=xenbrN] [vifnum=N]`.
/// The classic key=value arguments (xend's network-script) select one bridge, declared or not.
/// </summary>
public sealed record NetworkArguments(NetworkCommand Command, bool Json, bool Force, bool DryRun, bool Verbose,
    string? NetDev, string? Bridge, int? VifNum)
{
    /// <summary>status --firewall: list the vifs antispoof guards instead of the bridges.</summary>
    public bool Firewall { get; init; }

    /// <summary>status --format prometheus: the metrics in Prometheus' text exposition format.</summary>
    public bool Prometheus { get; init; }

    public bool Classic => NetDev is not null || Bridge is not null || VifNum is not null;

    /// <summary>render: the format to write.</summary>
    public RenderFormat? Format { get; init; }

    /// <summary>render: the directory to write the files into (null: print them).</summary>
    public string? OutputDirectory { get; init; }

    public static NetworkArguments Parse(IReadOnlyList<string> args)
    {
        NetworkCommand? command = null;
        bool json = false, force = false, dryRun = false, verbose = false, firewall = false, prometheus = false;
        string? statusFormat = null;
        string? netdev = null, bridge = null;
        int? vifnum = null;
        RenderFormat? format = null;
        string? output = null;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "--output" or "-o" || arg.StartsWith("--output=", StringComparison.Ordinal))
            {
                output = arg.StartsWith("--output=", StringComparison.Ordinal) ? arg["--output=".Length..]
                    : i + 1 < args.Count ? args[++i] : throw new UsageException($"{arg} needs a directory");
                if (output.Length == 0) throw new UsageException("--output needs a directory");
                continue;
            }
            if (arg == "--format" || arg.StartsWith("--format=", StringComparison.Ordinal))
            {
                statusFormat = arg.StartsWith("--format=", StringComparison.Ordinal) ? arg["--format=".Length..]
                    : i + 1 < args.Count ? args[++i] : throw new UsageException("--format needs a format: table, json or prometheus");
                switch (statusFormat)
                {
                    case "table": break;
                    case "json": json = true; break;
                    case "prometheus": prometheus = true; break;
                    default: throw new UsageException($"unknown status format '{statusFormat}' (expected table, json or prometheus)");
                }
                continue;
            }
            if (command == NetworkCommand.Render && format is null && !arg.StartsWith('-'))
            {
                format = BridgeRenderer.Parse(arg) ?? throw new UsageException($"unknown render format '{arg}' (expected networkd, ifupdown or nm)");
                continue;
            }
            switch (arg)
            {
                case "--help" or "-h": return new NetworkArguments(NetworkCommand.Help, false, false, false, false, null, null, null);
                case "--version": return new NetworkArguments(NetworkCommand.Version, false, false, false, false, null, null, null);
                case "--json": json = true; continue;
                case "--firewall": firewall = true; continue;
                case "--force" or "-f": force = true; continue;
                case "--dry-run" or "-n": dryRun = true; continue;
                case "--verbose" or "-v": verbose = true; continue;
            }
            if (arg.StartsWith('-')) throw new UsageException($"unknown option '{arg}'");
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                var key = arg[..eq];
                var value = arg[(eq + 1)..];
                switch (key)
                {
                    case "netdev": netdev = Name(key, value); break;
                    case "bridge": bridge = Name(key, value); break;
                    case "vifnum":
                        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n > 9999)
                            throw new UsageException($"vifnum '{value}' is not a number");
                        vifnum = n;
                        break;
                    case "antispoof" or "macaddr": break; // accepted for compatibility with network-bridge; not used
                    default: throw new UsageException($"unknown argument '{key}=' (expected netdev=, bridge= or vifnum=)");
                }
                continue;
            }
            if (command is not null) throw new UsageException($"unexpected argument '{arg}'");
            command = arg switch
            {
                "start" => NetworkCommand.Start,
                "stop" => NetworkCommand.Stop,
                "restart" => NetworkCommand.Restart,
                "status" => NetworkCommand.Status,
                "render" => NetworkCommand.Render,
                "suggest" => NetworkCommand.Suggest,
                "balance" => NetworkCommand.Balance,
                "watch" => NetworkCommand.Watch,
                "top" => NetworkCommand.Top,
                _ => throw new UsageException($"unknown command '{arg}'"),
            };
        }
        if (command is null) throw new UsageException("no command given");
        if (command == NetworkCommand.Render && format is null) throw new UsageException("render needs a format: networkd, ifupdown or nm");
        if (output is not null && command != NetworkCommand.Render) throw new UsageException("--output applies to render only");
        if (json && command != NetworkCommand.Status) throw new UsageException("--json applies to status only");
        if (dryRun && command == NetworkCommand.Watch) throw new UsageException("--dry-run does not apply to watch (try 'balance --dry-run')");
        if (force && command is not (NetworkCommand.Start or NetworkCommand.Stop or NetworkCommand.Restart)) throw new UsageException("--force applies to start, stop and restart only");
        if (firewall && command != NetworkCommand.Status) throw new UsageException("--firewall applies to status only");
        if (statusFormat is not null && command != NetworkCommand.Status) throw new UsageException("--format applies to status only");
        if (prometheus && (json || firewall)) throw new UsageException("--format prometheus does not combine with --json or --firewall (the guards' drops are among the metrics)");
        if (dryRun && command == NetworkCommand.Top) throw new UsageException("--dry-run does not apply to top");
        return new NetworkArguments(command.Value, json, force, dryRun, verbose, netdev, bridge, vifnum) { Firewall = firewall, Format = format, OutputDirectory = output, Prometheus = prometheus };
    }

    private static string Name(string key, string value) =>
        InterfaceName.Problem(value) is { } problem ? throw new UsageException($"{key}: {problem}") : value;

    /// <summary>
    /// The bridges to act on: every declared one, or the one the classic arguments name (xend defaults:
    /// vifnum 0, bridge xenbrVIFNUM, netdev ethVIFNUM, or the declared uplink of the named bridge).
    /// </summary>
    public IReadOnlyList<BridgeSpec> Bridges(MultibridgeConfig config)
    {
        if (!Classic) return config.Bridges.Select(b => BridgeSpec.From(b, config.Naming)).ToList();
        var number = VifNum ?? Digits(Bridge) ?? Digits(NetDev) ?? 0;
        var name = Bridge ?? (NetDev is not null ? config.Bridges.FirstOrDefault(b => b.Uplink == NetDev)?.Name : null)
            ?? "xenbr" + number.ToString(CultureInfo.InvariantCulture);
        var declared = config.FindBridge(name);
        if (declared is not null)
        {
            if (NetDev is not null && declared.Uplink != NetDev)
                throw new BridgeException(declared.Uplink is null
                    ? $"bridge {name} is declared host-only in {config.SourceFile}, but netdev={NetDev} was given"
                    : $"bridge {name} is declared with uplink {declared.Uplink} in {config.SourceFile}, not {NetDev}");
            return [BridgeSpec.From(declared, config.Naming)];
        }
        var netdev = NetDev ?? "eth" + number.ToString(CultureInfo.InvariantCulture);
        if (config.Bridges.FirstOrDefault(b => b.Uplink == netdev) is { } owner)
            throw new BridgeException($"{netdev} is the uplink of [bridge:{owner.Name}] in {config.SourceFile}, not of {name}");
        if (InterfaceName.Problem(netdev) is { } problem) throw new UsageException($"netdev: {problem}");
        return [BridgeSpec.From(name, netdev, null, config.Naming)];
    }

    /// <summary>The bonds to build (or take apart) with <paramref name="bridges"/>: every declared one, or those the named bridge stands on.</summary>
    public IReadOnlyList<BondSpec> Bonds(MultibridgeConfig config, IReadOnlyList<BridgeSpec> bridges) =>
        config.Bonds.Where(b => !Classic || bridges.Any(s => s.Uplink == b.Name)).Select(BondSpec.From).ToList();

    private static int? Digits(string? name)
    {
        if (name is null) return null;
        var end = name.Length;
        var start = end;
        while (start > 0 && char.IsAsciiDigit(name[start - 1])) start--;
        return start < end && int.TryParse(name.AsSpan(start, Math.Min(end - start, 4)), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
    }
}
