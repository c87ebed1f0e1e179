using System.Diagnostics;
using System.Text.Json;

namespace XenHotplug.Benchmarks;

/// <summary>
/// The measuring half, run inside the dom0 namespace (`ip netns exec DOM0 driver --inner PLAN RESULTS`), so
/// that every measured process is spawned directly by this process, not through a wrapper.
/// </summary>
internal static class InnerRunner
{
    public static int Run(string planPath, string resultsPath)
    {
        var plan = JsonSerializer.Deserialize(File.ReadAllText(planPath), BenchJson.Default.BenchPlan)
            ?? throw new InvalidDataException("empty plan");
        var baseEnv = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry e in Environment.GetEnvironmentVariables())
            baseEnv[(string)e.Key] = (string?)e.Value ?? "";
        using var redirect = new Spawn.Redirect(plan.LogPath);
        var results = new List<PhaseResult>();
        foreach (var phase in plan.Phases)
        {
            Console.Error.Write($"  {phase.Name} ...");
            var r = RunPhase(phase, baseEnv, redirect);
            results.Add(r);
            Console.Error.WriteLine($" {r.WallMillis:0} ms{(r.ExitCodes.Any(c => c != 0) ? $" ({r.ExitCodes.Count(c => c != 0)} FAILED)" : "")}{(r.WrongState > 0 ? $" ({r.WrongState} in the wrong state)" : "")}");
        }
        File.WriteAllText(resultsPath, JsonSerializer.Serialize(new BenchResults(results), BenchJson.Default.BenchResults));
        return 0;
    }

    private static PhaseResult RunPhase(BenchPhase phase, Dictionary<string, string> baseEnv, Spawn.Redirect redirect)
    {
        var prepared = phase.Jobs.Select(j =>
        {
            var env = new Dictionary<string, string>(baseEnv, StringComparer.Ordinal);
            foreach (var (k, v) in j.Env) env[k] = v;
            return new Spawn.Prepared(j.File, j.Args, env);
        }).ToList();
        var n = prepared.Count;
        var started = new long[n];
        var millis = new double[n];
        var codes = new int[n];
        var rss = new long[n];
        long first, last;
        try
        {
            if (phase.Mode == "sequential")
            {
                first = Stopwatch.GetTimestamp();
                for (var i = 0; i < n; i++)
                {
                    var t0 = Stopwatch.GetTimestamp();
                    var pid = Spawn.Start(prepared[i], redirect);
                    var (_, code, maxRss) = Spawn.Wait(pid);
                    millis[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                    codes[i] = code;
                    rss[i] = maxRss;
                }
                last = Stopwatch.GetTimestamp();
            }
            else
            {
                var limit = phase.Mode == "concurrent" ? n : Math.Max(1, phase.Parallelism);
                var byPid = new Dictionary<int, int>();
                var next = 0;
                first = Stopwatch.GetTimestamp();
                while (next < n && byPid.Count < limit) StartOne();
                while (byPid.Count > 0)
                {
                    var (pid, code, maxRss) = Spawn.Wait(-1);
                    var now = Stopwatch.GetTimestamp();
                    if (!byPid.Remove(pid, out var i)) continue;
                    millis[i] = Stopwatch.GetElapsedTime(started[i], now).TotalMilliseconds;
                    codes[i] = code;
                    rss[i] = maxRss;
                    if (next < n) StartOne();
                }
                last = Stopwatch.GetTimestamp();

                void StartOne()
                {
                    started[next] = Stopwatch.GetTimestamp();
                    byPid[Spawn.Start(prepared[next], redirect)] = next;
                    next++;
                }
            }
        }
        finally
        {
            foreach (var p in prepared) p.Dispose();
        }
        var masters = phase.Jobs.Select(j => Master(j.Device) ?? "").ToList();
        var wrong = phase.ExpectMaster switch
        {
            null => 0,
            "*" => masters.Count(m => m.Length == 0),
            var expected => masters.Count(m => m != expected),
        };
        return new PhaseResult(phase.Name, millis, codes, rss, Stopwatch.GetElapsedTime(first, last).TotalMilliseconds, wrong, masters);
    }

    /// <summary>The bridge a device is on, from this namespace's sysfs.</summary>
    private static string? Master(string dev)
    {
        var link = new FileInfo($"/sys/class/net/{dev}/master").LinkTarget;
        return link is null ? null : Path.GetFileName(link);
    }
}
