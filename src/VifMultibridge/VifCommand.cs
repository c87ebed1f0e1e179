using System.Diagnostics;
using Serilog.Core;
using XenHotplug.Core.CommandLine;
using XenHotplug.Core.Configuration;
using XenHotplug.Core.Failures;
using XenHotplug.Core.Metrics;
using XenHotplug.Core.Network;
using XenHotplug.Core.Request;
using XenHotplug.Host.Configuration;
using XenHotplug.Host.Firewall;
using XenHotplug.Host.Hotplug;
using XenHotplug.Host.Ip;
using XenHotplug.Host.Logging;
using XenHotplug.Host.Netlink;
using XenHotplug.Host.RunState;
using XenHotplug.Host.Sysfs;
using XenHotplug.Host.Xenstore;

namespace XenHotplug.VifMultibridge;

/// <summary>
/// Runs one hotplug and reports any failure the way libxl expects: one sentence in hotplug-error,
/// hotplug-status=error, the same line on stderr and in syslog, exit status 1.
/// </summary>
internal sealed class VifCommand(string program, bool verbose)
{
    /// <summary>What reporting a failure to xenstore may take beyond the deadline (a fresh connection, one write).</summary>
    private const int ReportGraceMilliseconds = 2000;

    private readonly long _started = Environment.TickCount64;
    private readonly long _startedTimestamp = Stopwatch.GetTimestamp();
    private Deadline? _deadline;
    private long _reportEnd;

    /// <summary>How long a xenstore reply may take now: the deadline's rest, or the report's grace once reporting.</summary>
    private int ReplyBudget() =>
        _reportEnd != 0 ? (int)Math.Max(0, _reportEnd - Environment.TickCount64)
        : _deadline?.RemainingMilliseconds ?? (int)Math.Max(0, _started + (long)(ConfigSchema.Deadline.Default * 1000) - Environment.TickCount64);

    private XenstoreClient ConnectXenstore() => XenstoreClient.Connect(ReplyBudget);

    public int Run(VifArguments arguments, IReadOnlyDictionary<string, string> environment)
    {
        var (args, dryRun) = (arguments.Words, arguments.DryRun);
        using Logger log = LogSetup.Create(program, verbose);
        HotplugRequest? request = null;
        LazyXenstore? xenstore = null;
        MultibridgeConfig? config = null;
        var outcome = HotplugOutcome.Success;
        try
        {
            var parsed = HotplugRequestParser.Parse(args, environment);
            if (parsed.Request is null)
            {
                log.Debug("nothing to do: {Reason}", parsed.SkipReason);
                return 0;
            }
            request = parsed.Request;
            config = ConfigLoader.Load(environment);
            _deadline = Deadline.Since(_started, TimeSpan.FromSeconds(config.Hotplug.Deadline));
            var settled = config;
            xenstore = new LazyXenstore(ConnectXenstore);
            var ip = new IpRunner { TimeLeft = () => _deadline.Remaining };
            INetworkRunner runner = config.Hotplug.NetworkBackend == NetworkBackend.Ip ? ip : new NetlinkRunner(ip) { TimeLeft = ip.TimeLeft };
            new VifHotplugService(settled, xenstore, new SysfsNet(), runner, log) { Deadline = _deadline }.Run(request, dryRun, Console.Out);
            return 0;
        }
        catch (Exception e)
        {
            outcome = HotplugOutcomes.Classify(e, x => x is XenstoreException or NetlinkException or FirewallException);
            // Clean failures and, as a last resort, anything unexpected: libxl must never wait for a line that never comes.
            var message = e is XenstoreException ? FailureText.OneLine("xenstore: " + e.Message) : FailureText.Describe(e);
            log.Error("{Command} {Device}: {Message}", request?.CommandName ?? "hotplug", request?.Device ?? Variable(environment, args, "vif") ?? "?", message);
            // hotplug-error goes under a vif backend path only, and never when the request itself names two
            // different NICs (the backend may be another guest's).
            var reportPath = request?.XenbusPath ?? (e is IdentityException ? null : SanePath(Variable(environment, args, "XENBUS_PATH")));
            if (!dryRun && reportPath is not null)
            {
                _reportEnd = Environment.TickCount64 + ReportGraceMilliseconds;
                ReportToXenstore(xenstore, reportPath, request is { IsAttach: false }, message, log);
            }
            return 1;
        }
        finally
        {
            xenstore?.Dispose();
            if (request is not null && !dryRun) CountRun(request.Command, outcome, config, environment, log);
        }
    }

    /// <summary>
    /// Adds the run to the run directory's counters (<see cref="HotplugRunFile"/>: no wait, no lock, never failing
    /// the run; a problem is one debug line). A run whose configuration did not load is counted in the run directory
    /// the environment names, else the default one.
    /// </summary>
    private void CountRun(HotplugCommand command, HotplugOutcome outcome, MultibridgeConfig? config, IReadOnlyDictionary<string, string> environment, Serilog.ILogger log)
    {
        if (config is { Metrics.HotplugRuns: false }) return;
        var runDir = config?.Hotplug.RunDir
            ?? (environment.TryGetValue(ConfigLoader.RunDirVariable, out var dir) && dir.Length > 0 ? dir : ConfigSchema.RunDir.Default);
        var microseconds = (long)Stopwatch.GetElapsedTime(_startedTimestamp).TotalMicroseconds;
        if (new HotplugRunFile(runDir).Record(command, outcome, microseconds) is { } problem) log.Debug("{Problem}", problem);
    }

    /// <summary>
    /// hotplug-error and hotplug-status=error, as the stock fatal() writes them; a fresh connection if the old one
    /// broke; bounded by the report's grace. After offline/remove, only into a backend that still exists (never
    /// recreating a node libxl removed).
    /// </summary>
    private void ReportToXenstore(LazyXenstore? xenstore, string xenbusPath, bool onlyIfPresent, string message, Serilog.ILogger log)
    {
        KeyValuePair<string, string>[] writes = [new(xenbusPath + "/hotplug-error", message), new(xenbusPath + "/hotplug-status", "error")];
        void Write(IXenstore store)
        {
            if (onlyIfPresent && store.Read(xenbusPath) is null) return;
            store.WriteMany(writes);
        }
        try
        {
            if (xenstore is null) throw new XenstoreConnectionException("not connected yet");
            Write(xenstore);
        }
        catch (XenstoreException)
        {
            try
            {
                using var fresh = ConnectXenstore();
                Write(fresh);
            }
            catch (XenstoreException e)
            {
                log.Error("cannot write hotplug-error to xenstore: {Message}", e.Message);
            }
        }
    }

    private static string? Variable(IReadOnlyDictionary<string, string> environment, IReadOnlyList<string> args, string name)
    {
        string? value = environment.TryGetValue(name, out var v) ? v : null;
        foreach (var arg in args)
        {
            if (arg.StartsWith(name + "=", StringComparison.Ordinal)) value = arg[(name.Length + 1)..];
        }
        return string.IsNullOrEmpty(value) ? null : value;
    }

    private static string? SanePath(string? path) => path is not null && IdentityGuard.IsBackendPath(path) ? path : null;
}
