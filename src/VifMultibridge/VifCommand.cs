using Serilog.Core;
using XenHotplug.Core.Failures;
using XenHotplug.Core.Network;
using XenHotplug.Core.Request;
using XenHotplug.Host.Configuration;
using XenHotplug.Host.Hotplug;
using XenHotplug.Host.Ip;
using XenHotplug.Host.Logging;
using XenHotplug.Host.Netlink;
using XenHotplug.Host.Sysfs;
using XenHotplug.Host.Xenstore;

namespace XenHotplug.VifMultibridge;

/// <summary>
/// Runs one hotplug and reports any failure the way libxl expects: one sentence in hotplug-error,
/// hotplug-status=error, the same line on stderr and in syslog, exit status 1.
/// </summary>
internal sealed class VifCommand(string program, bool verbose)
{
    public int Run(IReadOnlyList<string> args, IReadOnlyDictionary<string, string> environment, bool dryRun)
    {
        using Logger log = LogSetup.Create(program, verbose);
        HotplugRequest? request = null;
        LazyXenstore? xenstore = null;
        try
        {
            var parsed = HotplugRequestParser.Parse(args, environment);
            if (parsed.Request is null)
            {
                log.Debug("nothing to do: {Reason}", parsed.SkipReason);
                return 0;
            }
            request = parsed.Request;
            var config = ConfigLoader.Load(environment);
            xenstore = new LazyXenstore(XenstoreClient.Connect);
            INetworkRunner runner = config.Hotplug.NetworkBackend == "ip" ? new IpRunner() : new NetlinkRunner(new IpRunner());
            new VifHotplugService(config, xenstore, new SysfsNet(), runner, log).Run(request, dryRun, Console.Out);
            return 0;
        }
        catch (Exception e)
        {
            // Clean failures and, as a last resort, anything unexpected: libxl must never wait for a line that never comes.
            var message = e is XenstoreException ? FailureText.OneLine("xenstore: " + e.Message) : FailureText.Describe(e);
            log.Error("{Command} {Device}: {Message}", request?.CommandName ?? "hotplug", request?.Device ?? Variable(environment, args, "vif") ?? "?", message);
            if (!dryRun) ReportToXenstore(xenstore, request?.XenbusPath ?? SanePath(Variable(environment, args, "XENBUS_PATH")), message, log);
            return 1;
        }
        finally
        {
            xenstore?.Dispose();
        }
    }

    /// <summary>hotplug-error and hotplug-status=error, as the stock fatal() writes them; a fresh connection if the old one broke.</summary>
    private static void ReportToXenstore(LazyXenstore? xenstore, string? xenbusPath, string message, Serilog.ILogger log)
    {
        if (xenbusPath is null) return;
        KeyValuePair<string, string>[] writes = [new(xenbusPath + "/hotplug-error", message), new(xenbusPath + "/hotplug-status", "error")];
        try
        {
            if (xenstore is null) throw new XenstoreConnectionException("not connected yet");
            xenstore.WriteMany(writes);
        }
        catch (XenstoreException)
        {
            try
            {
                using var fresh = XenstoreClient.Connect();
                fresh.WriteMany(writes);
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

    private static string? SanePath(string? path) =>
        path is not null && path.Length < 1024 && !path.Any(char.IsWhiteSpace) && !path.Contains('\0', StringComparison.Ordinal) ? path : null;
}
