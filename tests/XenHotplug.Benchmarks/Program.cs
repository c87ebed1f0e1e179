using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using XenHotplug.Benchmarks;
using XenHotplug.TestSupport;

// `make bench`. Outer half: builds a simulated dom0 (namespaces, bridges, veth vifs, the test xenstored), writes a
// plan, runs the inner half inside the dom0 namespace, checks and prints the numbers, deletes everything.
// Inner half (--inner PLAN RESULTS): spawns the measured processes directly (see InnerRunner).
if (args.Length == 3 && args[0] == "--inner") return InnerRunner.Run(args[1], args[2]);
if (args.Length >= 1 && args[0] == "--scale")
{
    if (Environment.UserName == "root") return ScaleBench.Run(args[1..]);
    Console.Error.WriteLine("bench: needs root (network namespaces)");
    return 1;
}
if (args.Length >= 1 && args[0] == "--balance")
{
    if (Environment.UserName == "root") return BalanceBench.Run(args[1..]);
    Console.Error.WriteLine("bench: needs root (network namespaces)");
    return 1;
}

var options = BenchOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine("usage: XenHotplug.Benchmarks [--out FILE] [--vifs N] [--rounds N] [--pool N] [--pool-parallel N]");
    return 2;
}
if (Environment.UserName != "root")
{
    Console.Error.WriteLine("bench: needs root (network namespaces)");
    return 1;
}
return Outer.Run(options);

namespace XenHotplug.Benchmarks
{
    internal sealed record BenchOptions(string OutFile, int Vifs, int Rounds, int PoolVifs, int PoolParallel)
    {
        public static BenchOptions? Parse(string[] args)
        {
            var o = new BenchOptions(Path.Combine(Binaries.Directory, "bench-results.txt"), 64, 3, 256, 64);
            for (var i = 0; i < args.Length; i++)
            {
                if (i + 1 >= args.Length) return null;
                var v = args[++i];
                o = args[i - 1] switch
                {
                    "--out" => o with { OutFile = v },
                    "--vifs" when int.TryParse(v, out var n) && n > 0 => o with { Vifs = n },
                    "--rounds" when int.TryParse(v, out var n) && n > 0 => o with { Rounds = n },
                    "--pool" when int.TryParse(v, out var n) && n > 0 => o with { PoolVifs = n },
                    "--pool-parallel" when int.TryParse(v, out var n) && n > 0 => o with { PoolParallel = n },
                    _ => null,
                };
                if (o is null) return null;
            }
            return o;
        }
    }

    internal static class Outer
    {
        public const string StockScript = "/etc/xen/scripts/vif-bridge";
        public const string TimePath = "/usr/bin/time";
        private const int PerDomain = 8;

        public static int Run(BenchOptions options)
        {
            Directory.CreateDirectory("/var/log/xen"); // the stock scripts append stderr there
            var ours = Binaries.Vif;
            if (!File.Exists(StockScript))
            {
                Console.Error.WriteLine($"bench: {StockScript} is missing (install xen-utils-common)");
                return 1;
            }
            if (!File.Exists(TimePath)) Console.Error.WriteLine($"bench: {TimePath} is missing (apt-get install time): no peak RSS figure");
            Console.Error.WriteLine("bench: setting up a simulated dom0 ...");
            using var dom0 = new SimulatedDom0();
            Process? inner = null;
            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
            try
            {
                dom0.AddBridge("xenbr0");
                dom0.AddBridge("xbr0");
                dom0.AddBridge("xbr1");
                var poolConfig = Path.Combine(dom0.WorkDir, "pool.ini");
                File.WriteAllText(poolConfig, "[bridge:xbr0]\nweight = 1\n\n[bridge:xbr1]\nweight = 1\n\n[pool:p]\nbridges = xbr0 xbr1\nstrategy = least-loaded\n");
                File.SetUnixFileMode(poolConfig, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

                var warm = Guests(dom0, 90, 2, "xenbr0");
                var stockVifs = Guests(dom0, 100, options.Vifs, "xenbr0");
                var ourVifs = Guests(dom0, 200, options.Vifs, "xenbr0");
                var poolVifs = Guests(dom0, 300, options.PoolVifs, "pool:p");
                // antispoof = dhcp learns from a declared bridge's uplink: its own bridge with one, so no other section sees it.
                dom0.AddBridge("xdh0");
                dom0.AddUplink("eth0", "xdh0");
                var learnVifs = Guests(dom0, 400, options.Vifs, "xdh0");
                string GuardConfig(string mode)
                {
                    var file = Path.Combine(dom0.WorkDir, $"guard-{mode}.ini");
                    File.WriteAllText(file, $"[policy]\nantispoof = {mode}\n\n[bridge:xdh0]\nuplink = eth0\n");
                    File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
                    return file;
                }
                var dhcpConfig = GuardConfig("dhcp");
                var ipConfig = GuardConfig("ip");

                BenchJob J(string file, string command, (int Dom, int Dev) v, string? config = null)
                {
                    var env = dom0.LibxlEnvironment(v.Dom, v.Dev);
                    if (config is not null) env["XEN_MULTIBRIDGE_CONFIG"] = config;
                    return new BenchJob(file, [command, "type_if=vif"], env, $"vif{v.Dom}.{v.Dev}");
                }
                List<BenchJob> All(string file, string command, IEnumerable<(int, int)> vifs, string? config = null) => vifs.Select(v => J(file, command, v, config)).ToList();
                var truePath = File.Exists("/usr/bin/true") ? "/usr/bin/true" : "/bin/true";

                var phases = new List<BenchPhase>
                {
                    new("warm-up", "sequential", 1, [J(StockScript, "online", warm[0]), J(StockScript, "offline", warm[0]), J(ours, "online", warm[1]), J(ours, "offline", warm[1])], null),
                    new("floor seq", "sequential", 1, stockVifs.Select(v => new BenchJob(truePath, [], new Dictionary<string, string>(), $"vif{v.Item1}.{v.Item2}")).ToList(), null),
                    new("floor all", "concurrent", 0, stockVifs.Select(v => new BenchJob(truePath, [], new Dictionary<string, string>(), $"vif{v.Item1}.{v.Item2}")).ToList(), null),
                };
                // Stock and ours alternate round by round so that noise from the shared machine hits both alike.
                for (var round = 1; round <= options.Rounds; round++)
                {
                    phases.Add(new($"stock seq online {round}", "sequential", 1, All(StockScript, "online", stockVifs), "xenbr0"));
                    phases.Add(new($"stock seq offline {round}", "sequential", 1, All(StockScript, "offline", stockVifs), ""));
                    phases.Add(new($"ours seq online {round}", "sequential", 1, All(ours, "online", ourVifs), "xenbr0"));
                    phases.Add(new($"ours seq offline {round}", "sequential", 1, All(ours, "offline", ourVifs), ""));
                }
                for (var round = 1; round <= options.Rounds; round++)
                {
                    phases.Add(new($"stock all online {round}", "concurrent", 0, All(StockScript, "online", stockVifs), "xenbr0"));
                    phases.Add(new($"stock all offline {round}", "concurrent", 0, All(StockScript, "offline", stockVifs), ""));
                    phases.Add(new($"ours all online {round}", "concurrent", 0, All(ours, "online", ourVifs), "xenbr0"));
                    phases.Add(new($"ours all offline {round}", "concurrent", 0, All(ours, "offline", ourVifs), ""));
                }
                // Where the time goes: the runtime's start alone (`--help` prints a constant), and an online through
                // the other backend ([hotplug] network_backend = ip: one `ip -batch` child through CliWrap).
                var probe = $"vif{warm[0].Item1}.{warm[0].Item2}";
                phases.Add(new("parts start", "sequential", 1, Enumerable.Range(0, options.Vifs).Select(_ => new BenchJob(ours, ["--help"], new Dictionary<string, string>(), probe)).ToList(), null));
                phases.Add(new("parts ip-backend online", "sequential", 1,
                    All(ours, "online", ourVifs).Select(j => j with { Env = new Dictionary<string, string>(j.Env) { ["XEN_MULTIBRIDGE_hotplug__network_backend"] = "ip" } }).ToList(), "xenbr0"));
                phases.Add(new("parts reset", "sequential", 1, All(ours, "offline", ourVifs), ""));
                // What antispoof = ip adds: one nf_tables netlink batch per online and per offline.
                foreach (var (dom, dev) in ourVifs)
                    dom0.Xenstore.Write($"/local/domain/0/backend/vif/{dom}/{dev}/ip", $"10.{dom % 256}.{dev}.1");
                List<BenchJob> Guarded(string command) =>
                    All(ours, command, ourVifs).Select(j => j with { Env = new Dictionary<string, string>(j.Env) { ["XEN_MULTIBRIDGE_policy__antispoof"] = "ip" } }).ToList();
                for (var round = 1; round <= options.Rounds; round++)
                {
                    phases.Add(new($"antispoof online {round}", "sequential", 1, Guarded("online"), "xenbr0"));
                    phases.Add(new($"antispoof offline {round}", "sequential", 1, Guarded("offline"), ""));
                    phases.Add(new($"plain online {round}", "sequential", 1, All(ours, "online", ourVifs), "xenbr0"));
                    phases.Add(new($"plain offline {round}", "sequential", 1, All(ours, "offline", ourVifs), ""));
                }
                // What antispoof = dhcp adds to antispoof = ip: the learning chain, its map element and set in the same
                // batch. The same vifs (ip= listed, allowed in both modes) on the same declared bridge, rounds alternating.
                foreach (var (dom, dev) in learnVifs)
                    dom0.Xenstore.Write($"/local/domain/0/backend/vif/{dom}/{dev}/ip", $"10.{dom % 256}.{dev}.1");
                for (var round = 1; round <= options.Rounds; round++)
                {
                    phases.Add(new($"learning online {round}", "sequential", 1, All(ours, "online", learnVifs, dhcpConfig), "xdh0"));
                    phases.Add(new($"learning offline {round}", "sequential", 1, All(ours, "offline", learnVifs, dhcpConfig), ""));
                    phases.Add(new($"listed online {round}", "sequential", 1, All(ours, "online", learnVifs, ipConfig), "xdh0"));
                    phases.Add(new($"listed offline {round}", "sequential", 1, All(ours, "offline", learnVifs, ipConfig), ""));
                }
                // What counting the runs costs (run_dir/hotplug-runs): the same onlines with [metrics] hotplug_runs = no.
                List<BenchJob> Uncounted(string command) =>
                    All(ours, command, ourVifs).Select(j => j with { Env = new Dictionary<string, string>(j.Env) { ["XEN_MULTIBRIDGE_metrics__hotplug_runs"] = "no" } }).ToList();
                for (var round = 1; round <= options.Rounds; round++)
                {
                    phases.Add(new($"uncounted online {round}", "sequential", 1, Uncounted("online"), "xenbr0"));
                    phases.Add(new($"uncounted offline {round}", "sequential", 1, Uncounted("offline"), ""));
                    phases.Add(new($"counted online {round}", "sequential", 1, All(ours, "online", ourVifs), "xenbr0"));
                    phases.Add(new($"counted offline {round}", "sequential", 1, All(ours, "offline", ourVifs), ""));
                }

                // Peak RSS under GNU time: a process spawned from this (large) driver inherits the driver's RSS high-water
                // mark in ru_maxrss, so wait4's figure is not the hotplug's own.
                var rssFiles = new List<string>();
                if (File.Exists(TimePath))
                {
                    var rssVifs = ourVifs.Take(Math.Min(16, ourVifs.Count)).ToList();
                    foreach (var cmd in new[] { "online", "offline" })
                    {
                        var jobs = new List<BenchJob>();
                        foreach (var v in rssVifs)
                        {
                            var f = Path.Combine(dom0.WorkDir, $"rss-{cmd}-{v.Item1}.{v.Item2}.txt");
                            rssFiles.Add(f);
                            var j = J(ours, cmd, v);
                            jobs.Add(j with { File = TimePath, Args = ["-f", "%M", "-o", f, ours, .. j.Args] });
                        }
                        phases.Add(new($"rss {cmd}", "sequential", 1, jobs, cmd == "online" ? "xenbr0" : ""));
                    }
                }

                phases.Add(new("pool online", "bounded", options.PoolParallel, All(ours, "online", poolVifs, poolConfig), "*"));
                phases.Add(new("pool reset", "concurrent", 0, All(ours, "offline", poolVifs, poolConfig), ""));

                var planPath = Path.Combine(dom0.WorkDir, "plan.json");
                var resultsPath = Path.Combine(dom0.WorkDir, "results.json");
                var logPath = Path.Combine(dom0.WorkDir, "hotplug-output.log");
                File.WriteAllText(planPath, JsonSerializer.Serialize(new BenchPlan(logPath, phases), BenchJson.Default.BenchPlan));

                Console.Error.WriteLine($"bench: measuring inside namespace {dom0.Dom0.Name} ...");
                var psi = new ProcessStartInfo("ip") { UseShellExecute = false };
                foreach (var a in new[] { "netns", "exec", dom0.Dom0.Name, Environment.ProcessPath!, Path.Combine(AppContext.BaseDirectory, "XenHotplug.Benchmarks.dll"), "--inner", planPath, resultsPath })
                    psi.ArgumentList.Add(a);
                inner = Process.Start(psi)!;
                inner.WaitForExit();
                if (inner.ExitCode != 0 || !File.Exists(resultsPath))
                {
                    Console.Error.WriteLine($"bench: the measuring process failed (exit {inner.ExitCode})");
                    return 1;
                }
                var results = JsonSerializer.Deserialize(File.ReadAllText(resultsPath), BenchJson.Default.BenchResults)!;
                var rssKb = rssFiles.Where(File.Exists).Select(f => long.TryParse(File.ReadAllText(f).Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var kb) ? kb : 0).Where(kb => kb > 0).ToList();
                var report = Report.Render(options, results, ours, dom0.Xenstore.RequestCount, rssKb);
                var failures = results.Phases.Sum(p => p.ExitCodes.Count(c => c != 0));
                if (failures > 0 && File.Exists(logPath))
                    report += "\nhotplug output (tail):\n" + string.Join('\n', File.ReadAllLines(logPath).TakeLast(20)) + "\n";
                Console.Out.Write(report);
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(options.OutFile))!);
                File.WriteAllText(options.OutFile, report);
                Console.Error.WriteLine($"bench: written to {options.OutFile}");
                return 0;
            }
            finally
            {
                inner?.Dispose();
                Console.Error.WriteLine("bench: deleting the namespaces ...");
            }

            void Stop(PosixSignalContext context)
            {
                context.Cancel = true;
                try
                {
                    if (inner is { HasExited: false }) inner.Kill(entireProcessTree: true);
                }
                catch (InvalidOperationException)
                {
                }
            }
        }

        /// <summary>
        /// <paramref name="count"/> guest vifs, <see cref="PerDomain"/> per domain from <paramref name="firstDomid"/>: xenstore nodes
        /// as libxl writes them, and the devices as netback makes them (veth, peer ethN in the guest's namespace), created in one `ip -batch`.
        /// </summary>
        private static List<(int, int)> Guests(SimulatedDom0 dom0, int firstDomid, int count, string bridge)
        {
            var vifs = Enumerable.Range(0, count).Select(i => (firstDomid + (i / PerDomain), i % PerDomain)).ToList();
            var batch = new System.Text.StringBuilder();
            foreach (var (dom, dev) in vifs)
            {
                dom0.AddGuest(dom, dev, bridge, createDevice: false);
                batch.Append(System.Globalization.CultureInfo.InvariantCulture, $"link add vif{dom}.{dev} type veth peer name eth{dev} netns {dom0.Guest(dom).Name}\n");
            }
            var file = Path.Combine(dom0.WorkDir, $"guests-{firstDomid}.batch");
            File.WriteAllText(file, batch.ToString());
            dom0.Dom0.Ip("-batch", file);
            return vifs;
        }
    }
}
