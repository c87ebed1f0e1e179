using System.Diagnostics;
using XenHotplug.TestSupport;

namespace XenHotplug.IntegrationTests.Xenstore;

/// <summary>
/// Runs Debian's xenstore-* tools (xenstore-utils) against a given socket through $XENSTORED_PATH, with argument lists
/// (no shell) and timeouts. A missing tool fails the test with a pointer to `make deps`.
/// </summary>
internal static class XenstoreTool
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    public static ProcResult Run(string socketPath, string tool, params string[] arguments)
    {
        using var process = Start(socketPath, tool, arguments);
        return WaitForExit(process, DefaultTimeout);
    }

    /// <summary>Starts a tool whose output is read when it exits (<see cref="WaitForExit"/>).</summary>
    public static Process Start(string socketPath, string tool, params string[] arguments) =>
        Proc.Start(Locate(tool), arguments, new Dictionary<string, string> { ["XENSTORED_PATH"] = socketPath }, redirectInput: true);

    /// <summary>Waits for the tool; when it overruns the timeout it is killed (by its pid) and the test fails.</summary>
    public static ProcResult WaitForExit(Process process, TimeSpan timeout)
    {
        return Proc.Wait(process, timeout);
    }

    public static string Locate(string tool)
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(directory, tool);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        Assert.Fail($"{tool} not found on PATH: install Debian's xenstore-utils with `make deps`");
        throw new InvalidOperationException("unreachable");
    }
}
