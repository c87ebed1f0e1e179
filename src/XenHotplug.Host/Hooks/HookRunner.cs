using CliWrap;
using CliWrap.Buffered;
using Serilog;
using XenHotplug.Host.Native;

namespace XenHotplug.Host.Hooks;

/// <summary>
/// Runs the executable *.hook files of the hooks directory after an action, in name order, with the
/// hotplug environment plus dev, bridge and command. The stock script sources them; we run them (a hook
/// is a program, not bash code). A hook not owned by root, or writable by group or others, is skipped
/// with a warning (the link itself and its target are checked); a failing hook is logged and does not undo
/// the action. <c>timeout</c> bounds all the hooks together: a hook still running when it runs out is killed
/// with its children, and the hooks after it are skipped.
/// </summary>
public static class HookRunner
{
    public static void Run(string directory, IReadOnlyDictionary<string, string> environment, ILogger log, TimeSpan timeout)
    {
        if (!Directory.Exists(directory)) return;
        string[] hooks;
        try
        {
            hooks = Directory.GetFiles(directory, "*.hook");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.Warning("cannot list hooks in {Directory}: {Error}", directory, e.Message);
            return;
        }
        Array.Sort(hooks, StringComparer.Ordinal);
        var end = Environment.TickCount64 + (long)Math.Max(0, timeout.TotalMilliseconds);
        foreach (var hook in hooks)
        {
            UnixFileMode mode;
            try
            {
                mode = File.GetUnixFileMode(hook);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                log.Warning("skipping hook {Hook}: {Error}", hook, e.Message);
                continue;
            }
            if ((mode & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) == 0) continue;
            if (FileOwner.WhyUntrusted(hook) is { } why)
            {
                log.Warning("skipping hook {Hook}: {Why}", hook, why);
                continue;
            }
            var left = end - Environment.TickCount64;
            if (left <= 0)
            {
                log.Error("hook {Hook} skipped: the hotplug deadline has run out", hook);
                continue;
            }
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(left));
                var result = Cli.Wrap(hook)
                    .WithEnvironmentVariables(environment.ToDictionary(kv => kv.Key, kv => (string?)kv.Value, StringComparer.Ordinal))
                    .WithValidation(CommandResultValidation.None)
                    .ExecuteBufferedAsync(cts.Token).GetAwaiter().GetResult();
                if (result.ExitCode != 0)
                    log.Error("hook {Hook} failed with status {Status}: {Error}", hook, result.ExitCode, result.StandardError.Trim());
            }
            catch (OperationCanceledException)
            {
                log.Error("hook {Hook} killed: still running when the hotplug deadline ran out", hook);
            }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException)
            {
                log.Error("hook {Hook} could not run: {Error}", hook, e.Message);
            }
        }
    }
}
