using System.Diagnostics;
using Xunit;

namespace XenHotplug.IntegrationTests.Xenstore;

/// <summary>
/// Runs Debian's xenstore-* tools (xenstore-utils) against a given socket through $XENSTORED_PATH, with argument lists
/// (no shell) and timeouts. A missing tool fails the test with a pointer to `make deps`.
/// </summary>
internal static class XenstoreTool
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    public static XenstoreToolResult Run(string socketPath, string tool, params string[] arguments)
    {
        using var process = Start(socketPath, tool, arguments);
        return WaitForExit(process, DefaultTimeout);
    }

    /// <summary>Starts a tool whose output is read when it exits (<see cref="WaitForExit"/>).</summary>
    public static Process Start(string socketPath, string tool, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(Locate(tool))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment["XENSTORED_PATH"] = socketPath;
        return Process.Start(startInfo) ?? throw new InvalidOperationException($"could not start {tool}");
    }

    /// <summary>Waits for the tool; when it overruns the timeout it is killed (by its pid) and the test fails.</summary>
    public static XenstoreToolResult WaitForExit(Process process, TimeSpan timeout)
    {
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(TimeSpan.FromSeconds(5));
            Assert.Fail($"{process.StartInfo.FileName} {string.Join(' ', process.StartInfo.ArgumentList)} did not finish within {timeout.TotalSeconds} s and was killed");
        }

        process.WaitForExit();
        return new XenstoreToolResult(process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
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
