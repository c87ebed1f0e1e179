using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using XenHotplug.TestSupport;

namespace XenHotplug.Benchmarks;

/// <summary>
/// `make bench`'s scale section: what one hotplug, `status` and a balancer pass cost as the host fills with guests.
/// A simulated dom0 with two uplinked bridges in one shared-segment pool gets 0, then 256, then 1024 idle guest vifs
/// (veths whose peers wait in one namespace, attached alternately); at each level the same probe vifs go online
/// and offline one after another, then `status` and `balance --dry-run` run. Targets (issue 17): an online at 1024
/// guests at most 1.2x one at 0, `status` at most 2x.
/// </summary>
internal static class ScaleBench
{
    private const double OnlineTarget = 1.2;
    private const double StatusTarget = 2;

    public static int Run(string[] args)
    {
        var levels = new[] { 0, 256, 1024 };
        var probes = 16;
        var runs = 10;
        var outFile = Path.Combine(Binaries.Directory, "bench-scale.txt");
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--out": outFile = args[i + 1]; break;
                case "--probes": probes = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--runs": runs = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--levels": levels = [.. args[i + 1].Split(',').Select(l => int.Parse(l, CultureInfo.InvariantCulture))]; break;
                default:
                    Console.Error.WriteLine("usage: XenHotplug.Benchmarks --scale [--out FILE] [--probes N] [--runs N] [--levels 0,256,1024]");
                    return 2;
            }
        }
        Console.Error.WriteLine("bench scale: setting up a simulated dom0 ...");
        using var dom0 = new SimulatedDom0();
        dom0.AddBridge("xbr0");
        dom0.AddBridge("xbr1");
        dom0.AddUplink("u0", "xbr0");
        dom0.AddUplink("u1", "xbr1");
        dom0.WriteConfig("[bridge:xbr0]\nuplink = u0\n\n[bridge:xbr1]\nuplink = u1\n\n[pool:p]\nbridges = xbr0 xbr1\nstrategy = least-loaded\nshared_segment = yes\n\n[balancer]\ninterval = 0.2\n");
        var sink = dom0.NewNamespace("idle");
        var probeVifs = Enumerable.Range(0, probes).Select(i => (Dom: 10 + (i / 8), Dev: i % 8)).ToList();
        var batch = new StringBuilder();
        foreach (var (dom, dev) in probeVifs)
        {
            dom0.AddGuest(dom, dev, "pool:p", createDevice: false);
            batch.Append(CultureInfo.InvariantCulture, $"link add vif{dom}.{dev} type veth peer name eth{dev} netns {dom0.Guest(dom).Name}\n");
        }
        IpBatch(dom0, batch, "probes");

        var env = dom0.LibxlEnvironment(probeVifs[0].Dom, probeVifs[0].Dev);
        var toolEnv = new Dictionary<string, string>
        {
            ["XEN_MULTIBRIDGE_CONFIG"] = env["XEN_MULTIBRIDGE_CONFIG"],
            ["XEN_MULTIBRIDGE_RUNDIR"] = env["XEN_MULTIBRIDGE_RUNDIR"],
            ["XEN_MULTIBRIDGE_SYSLOG"] = env["XEN_MULTIBRIDGE_SYSLOG"],
        };
        var results = new List<(int Level, PhaseResult Online, PhaseResult Offline, PhaseResult Status, PhaseResult Balance)>();
        var idle = 0;
        foreach (var level in levels)
        {
            var add = new StringBuilder();
            for (; idle < level; idle++)
            {
                var domid = 1000 + idle;
                add.Append(CultureInfo.InvariantCulture, $"link add vif{domid}.0 type veth peer name g{domid} netns {sink.Name}\n");
                add.Append(CultureInfo.InvariantCulture, $"link set vif{domid}.0 master xbr{idle % 2} up\n");
            }
            if (add.Length > 0) IpBatch(dom0, add, $"idle-{level}");
            BenchJob Hotplug(string command, (int Dom, int Dev) v) =>
                new(Binaries.Vif, [command, "type_if=vif"], dom0.LibxlEnvironment(v.Dom, v.Dev), $"vif{v.Dom}.{v.Dev}");
            BenchJob Tool(params string[] a) => new(Binaries.Network, a, toolEnv, "u0");
            var phases = new List<BenchPhase>
            {
                new($"warm {level}", "sequential", 1, [Hotplug("online", probeVifs[0]), Hotplug("offline", probeVifs[0])], null),
                new($"online {level}", "sequential", 1, [.. probeVifs.Select(v => Hotplug("online", v))], "*"),
                new($"offline {level}", "sequential", 1, [.. probeVifs.Select(v => Hotplug("offline", v))], ""),
                new($"status {level}", "sequential", 1, [.. Enumerable.Range(0, runs).Select(_ => Tool("status"))], null),
                new($"balance {level}", "sequential", 1, [.. Enumerable.Range(0, Math.Max(1, runs / 2)).Select(_ => Tool("balance", "--dry-run"))], null),
            };
            var measured = Measure(dom0, phases, level);
            if (measured is null) return 1;
            results.Add((level, measured[1], measured[2], measured[3], measured[4]));
        }

        var inv = CultureInfo.InvariantCulture;
        var t = new StringBuilder();
        t.Append(inv, $"XenHotplug scale benchmark ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC): two uplinked bridges in one shared-segment pool, idle guest vifs attached alternately;\n");
        t.Append(inv, $"per level {probes} probe vifs online then offline with bridge=pool:p (least-loaded), {runs} x status, {Math.Max(1, runs / 2)} x balance --dry-run ([balancer] interval = 0.2 s of counters)\n");
        t.Append("  guests   online median   offline median   status median   balance --dry-run median (ms)\n");
        foreach (var r in results)
            t.Append(inv, $"  {r.Level,6} {Median(r.Online),15:0.00} {Median(r.Offline),16:0.00} {Median(r.Status),15:0.00} {Median(r.Balance),26:0.00}\n");
        var first = results[0];
        var most = results[^1];
        var onlineRatio = Median(most.Online) / Median(first.Online);
        var statusRatio = Median(most.Status) / Median(first.Status);
        t.Append(inv, $"online at {most.Level} / at {first.Level}: {onlineRatio:0.00}x   target <= {OnlineTarget}x: {(onlineRatio <= OnlineTarget ? "PASS" : "MISS")}\n");
        t.Append(inv, $"status at {most.Level} / at {first.Level}: {statusRatio:0.00}x   target <= {StatusTarget}x: {(statusRatio <= StatusTarget ? "PASS" : "MISS")}\n");
        var failed = results.SelectMany(r => new[] { r.Online, r.Offline, r.Status, r.Balance })
            .Where(p => p.ExitCodes.Any(c => c is not (0 or 3)) || p.WrongState > 0).Select(p => p.Name).ToList();
        t.Append(failed.Count == 0 ? "checks: every run exited 0 (status 0 or 3) and left each probe where expected\n" : $"checks: PROBLEMS in {string.Join(", ", failed)}\n");
        Console.Out.Write(t.ToString());
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outFile))!);
        File.WriteAllText(outFile, t.ToString());
        Console.Error.WriteLine($"bench scale: written to {outFile}");
        return failed.Count == 0 ? 0 : 1;
    }

    private static double Median(PhaseResult p) => Report.Stats(p.Millis).Median;

    private static void IpBatch(SimulatedDom0 dom0, StringBuilder batch, string name)
    {
        var file = Path.Combine(dom0.WorkDir, $"scale-{name}.batch");
        File.WriteAllText(file, batch.ToString());
        dom0.Dom0.Ip("-batch", file);
    }

    /// <summary>Runs the phases with the inner runner inside the dom0 namespace (processes spawned directly there).</summary>
    private static List<PhaseResult>? Measure(SimulatedDom0 dom0, List<BenchPhase> phases, int level)
    {
        var planPath = Path.Combine(dom0.WorkDir, $"scale-plan-{level}.json");
        var resultsPath = Path.Combine(dom0.WorkDir, $"scale-results-{level}.json");
        File.WriteAllText(planPath, JsonSerializer.Serialize(new BenchPlan(Path.Combine(dom0.WorkDir, "scale-output.log"), phases), BenchJson.Default.BenchPlan));
        var psi = new ProcessStartInfo("ip") { UseShellExecute = false };
        foreach (var a in new[] { "netns", "exec", dom0.Dom0.Name, Environment.ProcessPath!, Path.Combine(AppContext.BaseDirectory, "XenHotplug.Benchmarks.dll"), "--inner", planPath, resultsPath })
            psi.ArgumentList.Add(a);
        using var inner = Process.Start(psi)!;
        inner.WaitForExit();
        if (inner.ExitCode != 0 || !File.Exists(resultsPath))
        {
            Console.Error.WriteLine($"bench scale: the measuring process failed (exit {inner.ExitCode})");
            return null;
        }
        return [.. JsonSerializer.Deserialize(File.ReadAllText(resultsPath), BenchJson.Default.BenchResults)!.Phases];
    }
}
