using System.Diagnostics;

namespace XenHotplug.TestSupport;

/// <summary>Runs commands with argument lists (never a shell string) and a timeout; a command that overruns is killed by pid.</summary>
public static class Proc
{
    public static ProcResult Run(string file, IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null, TimeSpan? timeout = null, string? stdin = null)
    {
        using var p = Start(file, args, env, stdin is not null);
        if (stdin is not null)
        {
            p.StandardInput.Write(stdin);
            p.StandardInput.Close();
        }
        return Wait(p, timeout ?? TimeSpan.FromSeconds(60));
    }

    public static Process Start(string file, IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null, bool redirectInput = false)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = redirectInput,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (env is not null)
        {
            foreach (var (k, v) in env) psi.Environment[k] = v;
        }
        return Process.Start(psi) ?? throw new InvalidOperationException("cannot start " + file);
    }

    public static ProcResult Wait(Process p, TimeSpan timeout)
    {
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        var command = p.StartInfo.FileName + " " + string.Join(' ', p.StartInfo.ArgumentList);
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit(5000);
            throw new TimeoutException($"{command} did not finish within {timeout.TotalSeconds} s and was killed");
        }
        p.WaitForExit();
        return new ProcResult(command, p.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }

    /// <summary>Runs and asserts success.</summary>
    public static string Check(string file, params string[] args)
    {
        var r = Run(file, args);
        if (!r.Ok) throw new InvalidOperationException(r.ToString());
        return r.StdOut;
    }
}
