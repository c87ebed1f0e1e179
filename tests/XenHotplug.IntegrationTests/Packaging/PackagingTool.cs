using System.Diagnostics;
using XenHotplug.TestSupport;

namespace XenHotplug.IntegrationTests.Packaging;

/// <summary>Runs external tools with argument lists (never a shell string).</summary>
internal static class PackagingTool
{
    /// <summary>
    /// Runs <paramref name="fileName"/> and waits at most <paramref name="timeout"/>. Environment
    /// variables that would leak the test host's MSBuild or make state into nested builds are removed,
    /// and MSBuild/compiler servers are disabled so no child outlives the command holding its pipes.
    /// </summary>
    public static ProcResult Run(string fileName, IEnumerable<string> arguments, string? workingDirectory = null,
        TimeSpan? timeout = null, Stream? stdin = null)
    {
        var psi = NewStartInfo(fileName, arguments, workingDirectory);
        psi.RedirectStandardInput = stdin is not null;
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {fileName}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Task? feed = null;
        if (stdin is not null)
        {
            feed = Task.Run(() =>
            {
                try
                {
                    stdin.CopyTo(process.StandardInput.BaseStream);
                }
                catch (IOException)
                {
                    // The tool stopped reading; its exit code and stderr tell why.
                }
                finally
                {
                    process.StandardInput.Close();
                }
            });
        }
        return Finish(process, Describe(fileName, psi), timeout ?? TimeSpan.FromMinutes(2), stdout, stderr, feed);
    }

    /// <summary>Runs <c>producer | consumer</c>, piping in process; returns the consumer's result
    /// (with the producer's failure folded in).</summary>
    public static ProcResult Pipe(string producer, IEnumerable<string> producerArgs, string consumer,
        IEnumerable<string> consumerArgs, string workingDirectory, TimeSpan timeout)
    {
        var first = NewStartInfo(producer, producerArgs, workingDirectory);
        var second = NewStartInfo(consumer, consumerArgs, workingDirectory);
        second.RedirectStandardInput = true;
        using var p1 = Process.Start(first) ?? throw new InvalidOperationException($"cannot start {producer}");
        using var p2 = Process.Start(second) ?? throw new InvalidOperationException($"cannot start {consumer}");
        var err1 = p1.StandardError.ReadToEndAsync();
        var out2 = p2.StandardOutput.ReadToEndAsync();
        var err2 = p2.StandardError.ReadToEndAsync();
        var pump = Task.Run(() =>
        {
            try
            {
                p1.StandardOutput.BaseStream.CopyTo(p2.StandardInput.BaseStream);
            }
            catch (IOException)
            {
                // The consumer died; its result reports it.
            }
            finally
            {
                p2.StandardInput.Close();
            }
        });
        var r1 = Finish(p1, Describe(producer, first), timeout, Task.FromResult(string.Empty), err1, pump);
        var r2 = Finish(p2, Describe(consumer, second), timeout, out2, err2, null);
        return r1.ExitCode == 0
            ? r2 with { Command = $"{r1.Command} | {r2.Command}" }
            : r1 with { Command = $"{r1.Command} | {r2.Command}", StdErr = r1.StdErr + r2.StdErr };
    }

    private static ProcessStartInfo NewStartInfo(string fileName, IEnumerable<string> arguments, string? workingDirectory)
    {
        var psi = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var a in arguments)
        {
            psi.ArgumentList.Add(a);
        }
        foreach (var key in psi.Environment.Keys.ToList())
        {
            if (key.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)
                || key.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)
                || key is "MAKEFLAGS" or "MFLAGS" or "MAKELEVEL" or "MAKEOVERRIDES")
            {
                psi.Environment.Remove(key);
            }
        }
        psi.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        psi.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        psi.Environment["UseSharedCompilation"] = "false";
        psi.Environment["LC_ALL"] = "C.UTF-8";
        return psi;
    }

    private static string Describe(string fileName, ProcessStartInfo psi) =>
        string.Join(' ', new[] { fileName }.Concat(psi.ArgumentList));

    private static ProcResult Finish(Process process, string command, TimeSpan timeout,
        Task<string> stdout, Task<string> stderr, Task? feed)
    {
        if (!process.WaitForExit(timeout))
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It exited meanwhile.
            }
            process.WaitForExit(TimeSpan.FromSeconds(10));
            throw new TimeoutException($"{command} did not finish within {timeout}");
        }
        // A grandchild that inherited the pipes must not hang the test: give the readers a bounded grace.
        var readers = feed is null ? new Task[] { stdout, stderr } : new Task[] { stdout, stderr, feed };
        Task.WaitAll(readers, TimeSpan.FromSeconds(30));
        return new ProcResult(command, process.ExitCode,
            stdout.IsCompletedSuccessfully ? stdout.Result : string.Empty,
            stderr.IsCompletedSuccessfully ? stderr.Result : string.Empty);
    }
}
