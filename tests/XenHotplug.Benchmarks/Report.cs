using System.Globalization;
using System.Text;

namespace XenHotplug.Benchmarks;

/// <summary>Turns the measured phases into the table `make bench` prints, with PASS/MISS against the targets.</summary>
internal static class Report
{
    private const double SpeedupTarget = 10;
    private const double AllAtOnceTargetMs = 150;
    private const double RssTargetMb = 15;
    private const double BinaryTargetMb = 8;
    private const double AntispoofTargetMs = 2;
    private const double CountingTargetMs = 0.1;
    /// <summary>Issue 21: a guarded online with antispoof = dhcp stays within 0.5 ms of antispoof = ip.</summary>
    private const double LearningTargetMs = 0.5;

    public static string Render(BenchOptions options, BenchResults results, string oursPath, long xenstoreRequests, IReadOnlyList<long> rssKb)
    {
        var inv = CultureInfo.InvariantCulture;
        var t = new StringBuilder();
        List<double> Samples(string prefix) => results.Phases.Where(p => p.Name.StartsWith(prefix + " ", StringComparison.Ordinal)).SelectMany(p => p.Millis).ToList();
        List<double> Walls(string prefix) => results.Phases.Where(p => p.Name.StartsWith(prefix + " ", StringComparison.Ordinal)).Select(p => p.WallMillis).ToList();
        string Pass(bool ok) => ok ? "PASS" : "MISS";

        var binary = new FileInfo(oursPath).Length / 1048576.0;
        t.Append(inv, $"XenHotplug benchmark: vif-multibridge vs Debian's stock vif-bridge ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC)\n");
        t.Append(inv, $"host: {Environment.ProcessorCount} CPUs, Linux {Environment.OSVersion.Version}; ours: {oursPath}; stock: {Outer.StockScript}\n");
        t.Append(inv, $"each process spawned directly (posix_spawn) inside the dom0 namespace; libxl's environment; xenstore = test server over a Unix socket\n");
        t.Append(inv, $"{options.Vifs} vifs per run (veth), bridge xenbr0, no multibridge.ini (drop-in defaults); {options.Rounds} rounds, stock and ours alternating\n");
        var floorSeq = Stats(results.Phases.First(p => p.Name == "floor seq").Millis);
        var floorAll = results.Phases.First(p => p.Name == "floor all").WallMillis;
        t.Append(inv, $"spawn floor (/bin/true): {floorSeq.Median:0.00} ms per process one after another, {floorAll:0.0} ms for {options.Vifs} at once\n\n");

        t.Append(inv, $"(a) one after another: wall time per hotplug, ms ({options.Vifs} x {options.Rounds} samples)\n");
        t.Append("            stock median    p95 |  ours median    p95 | speed-up (median)   target: >=10x\n");
        foreach (var cmd in new[] { "online", "offline" })
        {
            var s = Stats(Samples($"stock seq {cmd}"));
            var o = Stats(Samples($"ours seq {cmd}"));
            var ratio = s.Median / o.Median;
            t.Append(inv, $"  {cmd,-8} {s.Median,12:0.00} {s.P95,6:0.00} | {o.Median,11:0.00} {o.P95,6:0.00} | {ratio,9:0.0}x           {Pass(ratio >= SpeedupTarget)} (median {o.Median:0.00} ms vs {s.Median / SpeedupTarget:0.00} ms)\n");
        }

        t.Append(inv, $"\n(b) {options.Vifs} at once: first start to last exit, ms (median of {options.Rounds} rounds; all rounds in brackets)\n");
        t.Append(inv, $"            stock         |  ours          | speed-up   target: < {AllAtOnceTargetMs:0} ms\n");
        foreach (var cmd in new[] { "online", "offline" })
        {
            var s = Walls($"stock all {cmd}");
            var o = Walls($"ours all {cmd}");
            var sm = Stats(s).Median;
            var om = Stats(o).Median;
            t.Append(inv, $"  {cmd,-8} {sm,8:0.0} | {om,8:0.0}      | {sm / om,6:0.0}x     {Pass(om < AllAtOnceTargetMs)}   stock [{Join(s)}] ours [{Join(o)}]\n");
            var per = Stats(Samples($"ours all {cmd}"));
            t.Append(inv, $"           (ours, per process while {options.Vifs} run at once: median {per.Median:0.0} ms, p95 {per.P95:0.0} ms)\n");
        }

        var start = Stats(results.Phases.First(p => p.Name == "parts start").Millis).Median;
        var ipBackend = Stats(results.Phases.First(p => p.Name == "parts ip-backend online").Millis).Median;
        var onlineMedian = Stats(Samples("ours seq online")).Median;
        t.Append(inv, $"\nwhere an online goes (sequential medians): process start + .NET runtime init (`vif-multibridge --help`) {start:0.00} ms,\n");
        t.Append(inv, $"  the work (config, logging, one xenstore read and one write, sysfs, rtnetlink) {onlineMedian - start:0.00} ms;\n");
        t.Append(inv, $"  with [hotplug] network_backend = ip (one `ip -batch` child through CliWrap) an online takes {ipBackend:0.00} ms\n");

        t.Append(inv, $"\nantispoof = ip (one nf_tables netlink batch; stock has none): sequential medians, same vifs, rounds alternating\n");
        foreach (var cmd in new[] { "online", "offline" })
        {
            var guarded = Stats(Samples($"antispoof {cmd}")).Median;
            var plain = Stats(Samples($"plain {cmd}")).Median;
            var cost = guarded - plain;
            t.Append(inv, $"  {cmd,-8} {guarded:0.00} ms vs {plain:0.00} ms without: +{cost:0.00} ms");
            t.Append(cmd == "online" ? string.Create(inv, $"   target < {AntispoofTargetMs:0} ms: {Pass(cost < AntispoofTargetMs)}\n") : "\n");
        }

        if (Samples("learning online").Count > 0)
        {
            t.Append(inv, $"\nantispoof = dhcp versus antispoof = ip (learning chain, map element and set in the same batch; one declared bridge with its uplink): sequential medians, same vifs, rounds alternating\n");
            foreach (var cmd in new[] { "online", "offline" })
            {
                var learning = Stats(Samples($"learning {cmd}")).Median;
                var listed = Stats(Samples($"listed {cmd}")).Median;
                var cost = learning - listed;
                t.Append(inv, $"  {cmd,-8} {learning:0.00} ms vs {listed:0.00} ms with ip: {cost:+0.00;-0.00} ms");
                t.Append(cmd == "online" ? string.Create(inv, $"   target < {LearningTargetMs:0.0} ms: {Pass(cost < LearningTargetMs)}\n") : "\n");
            }
        }

        t.Append(inv, $"\nhotplug run counters (run_dir/hotplug-runs) versus [metrics] hotplug_runs = no: sequential medians, rounds alternating\n");
        foreach (var cmd in new[] { "online", "offline" })
        {
            var counted = Stats(Samples($"counted {cmd}")).Median;
            var uncounted = Stats(Samples($"uncounted {cmd}")).Median;
            var cost = counted - uncounted;
            t.Append(inv, $"  {cmd,-8} {counted:0.00} ms vs {uncounted:0.00} ms without: {cost:+0.00;-0.00} ms");
            t.Append(cmd == "online" ? string.Create(inv, $"   target < {CountingTargetMs:0.0} ms: {Pass(cost < CountingTargetMs)}\n") : "\n");
        }

        var poolTitle = $"\npool: {options.PoolVifs} vifs online with bridge=pool:p (least-loaded over host-only xbr0 xbr1), {options.PoolParallel} at a time\n";
        t.Append(poolTitle);
        foreach (var (name, label) in new[] { ("pool online", "as built") })
        {
            var pool = results.Phases.First(p => p.Name == name);
            var counts = pool.Masters.GroupBy(m => m.Length == 0 ? "(none)" : m).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}").ToList();
            var expected = options.PoolVifs / 2;
            var balanced = pool.Masters.Count(m => m == "xbr0") == expected && pool.Masters.Count(m => m == "xbr1") == options.PoolVifs - expected;
            var poolFailures = pool.ExitCodes.Count(c => c != 0);
            var per = Stats(pool.Millis);
            t.Append(inv, $"  {label}: wall {pool.WallMillis:0} ms ({pool.WallMillis / options.PoolVifs:0.00} ms per vif), per process median {per.Median:0.0} ms, p95 {per.P95:0.0} ms, failed {poolFailures}\n");
            t.Append(inv, $"    distribution: {string.Join(", ", counts)}   expected xbr0 {expected} / xbr1 {options.PoolVifs - expected}: {Pass(balanced && poolFailures == 0)}\n");
        }

        t.Append(inv, $"\nresources of vif-multibridge\n");
        if (rssKb.Count > 0)
        {
            var rss = Stats(rssKb.Select(k => k / 1024.0).ToList());
            t.Append(inv, $"  peak RSS (GNU time %M over {rssKb.Count} online/offline runs): max {rss.Max:0.0} MB, median {rss.Median:0.0} MB   target <= {RssTargetMb:0} MB: {Pass(rss.Max <= RssTargetMb)}\n");
        }
        else
        {
            t.Append("  peak RSS: not measured (/usr/bin/time missing: apt-get install time)\n");
        }
        t.Append(inv, $"  binary size: {binary:0.00} MB   target <= {BinaryTargetMb:0} MB: {Pass(binary <= BinaryTargetMb)}\n");

        var failed = results.Phases.Where(p => !p.Name.StartsWith("floor", StringComparison.Ordinal) && !p.Name.StartsWith("parts start", StringComparison.Ordinal) && (p.ExitCodes.Any(c => c != 0) || p.WrongState > 0)).ToList();
        t.Append(inv, $"\nchecks: {(failed.Count == 0 ? "every hotplug exited 0 and left its vif where expected" : "PROBLEMS in " + string.Join(", ", failed.Select(p => $"{p.Name} ({p.ExitCodes.Count(c => c != 0)} failed, {p.WrongState} wrong state)")))}; xenstore requests served: {xenstoreRequests}\n");
        return t.ToString();
    }

    private static string Join(IEnumerable<double> values) => string.Join(' ', values.Select(v => v.ToString("0", CultureInfo.InvariantCulture)));

    internal readonly record struct Summary(double Median, double P95, double Min, double Max);

    /// <summary>Median (mean of the middle two for an even count) and nearest-rank p95.</summary>
    internal static Summary Stats(IReadOnlyCollection<double> values)
    {
        if (values.Count == 0) return new Summary(double.NaN, double.NaN, double.NaN, double.NaN);
        var v = values.Order().ToArray();
        var median = v.Length % 2 == 1 ? v[v.Length / 2] : (v[(v.Length / 2) - 1] + v[v.Length / 2]) / 2;
        var p95 = v[Math.Max(0, (int)Math.Ceiling(0.95 * v.Length) - 1)];
        return new Summary(median, p95, v[0], v[^1]);
    }
}
