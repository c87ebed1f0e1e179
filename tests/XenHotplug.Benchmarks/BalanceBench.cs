using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using XenHotplug.TestSupport;

namespace XenHotplug.Benchmarks;

/// <summary>
/// `make bench`, throughput half (--balance): K uplinks shaped with tc (tbf, egress of dom0's NIC) to the same rate,
/// cabled to one lan switch with an iperf3 sink per guest; G guests hotplugged by vif-multibridge in order, then all
/// sending TCP at once. Aggregate Mbit/s (bytes received on the lan side of the cables over the last window) for the
/// stock one-bridge setup, placement only (least-loaded) and with `network-multibridge watch` running, against the best
/// any placement could do for that demand. Then failover under load: the longest gap in a guest's ping stream when
/// its uplink loses carrier, and how many pings were lost after it. Everything lives in namespaces it deletes.
/// </summary>
internal static partial class BalanceBench
{
    private const int RateMbit = 100;
    private const int LightMbit = 10;

    private sealed record Scenario(string Name, int Uplinks, int Guests, int[] Heavy);

    public static int Run(string[] args)
    {
        var outFile = Path.Combine(Binaries.Directory, "bench-balance.txt");
        var seconds = 30;
        var failoverRuns = 5;
        var failoverOnly = false;
        string? trace = null;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            if (args[i] == "--out") outFile = args[i + 1];
            else if (args[i] == "--seconds" && int.TryParse(args[i + 1], out var s) && s >= 6) seconds = s;
            else if (args[i] == "--failover-runs" && int.TryParse(args[i + 1], out var r) && r >= 1) failoverRuns = r;
            else if (args[i] == "--failover-only" && args[i + 1] is "yes" or "no") failoverOnly = args[i + 1] == "yes";
            else if (args[i] == "--trace") trace = args[i + 1];
            else
            {
                Console.Error.WriteLine("usage: XenHotplug.Benchmarks --balance [--out FILE] [--seconds N (>= 6)] [--failover-runs N] [--failover-only yes|no] [--trace DIR (tcpdump)]");
                return 2;
            }
        }
        Scenario[] scenarios =
        [
            new("equal demand, K=4 G=8", 4, 8, [1, 2, 3, 4, 5, 6, 7, 8]),
            new("few guests, K=4 G=3", 4, 3, [1, 2, 3]),
            new("2 heavy (1st, 5th) + 6 light", 4, 8, [1, 5]),
            new("2 heavy (1st, 2nd) + 6 light", 4, 8, [1, 2]),
        ];
        var report = new StringBuilder();
        if (failoverOnly)
        {
            Failovers(report, failoverRuns, trace);
            File.WriteAllText(outFile, report.ToString());
            Console.Out.Write(report.ToString());
            return 0;
        }
        // What one shaped uplink really carries for one TCP sender (bytes on the wire): the capacity "best" is computed with.
        var capacity = Measure(new Scenario("calibration: 1 sender, 1 uplink", 1, 1, [1]), "stock", seconds);
        report.Append(CultureInfo.InvariantCulture, $"throughput: uplinks shaped to {RateMbit} Mbit/s (one TCP sender alone gets {capacity:0.0}), light guests {LightMbit} Mbit/s, heavy unlimited; " +
            $"aggregate over the last {Window(seconds)} s of {seconds} s of traffic (balancer: watch, interval 2 s); best = the best placement at {capacity:0.0} an uplink\n");
        report.Append(CultureInfo.InvariantCulture, $"{"scenario",-32} {"best",6} {"stock",14} {"placement",14} {"balancer",14}  target >= 95 %\n");
        Console.Error.Write(report.ToString());
        foreach (var s in scenarios)
        {
            var best = Best(s, capacity);
            var stock = Measure(s, "stock", seconds);
            var placed = Measure(s, "placement", seconds);
            var balanced = Measure(s, "balancer", seconds);
            string Cell(double v) => $"{v,6:0.0} ({v / best * 100,3:0}%)";
            var line = $"{s.Name,-32} {best,6:0} {Cell(stock),14} {Cell(placed),14} {Cell(balanced),14}  {(balanced >= 0.95 * best ? "PASS" : "MISS")}\n";
            report.Append(line);
            Console.Error.Write(line);
        }
        Failovers(report, failoverRuns, trace);
        File.WriteAllText(outFile, report.ToString());
        Console.Out.Write(report.ToString());
        return 0;
    }

    /// <summary>Several failover runs: the longest gap of any, and every ping lost after a gap (target: none).</summary>
    private static void Failovers(StringBuilder report, int runs, string? trace)
    {
        var results = new List<(double Gap, int LostAfter, int LostBefore, int Sent)>();
        for (var run = 1; run <= runs; run++)
        {
            var r = Failover(trace is null ? null : Path.Combine(trace, "run" + run.ToString(CultureInfo.InvariantCulture)));
            Console.Error.WriteLine($"  failover run {run}: gap {r.Gap * 1000:0} ms, {r.LostAfter} lost after it, {r.LostBefore} before it, of {r.Sent}");
            results.Add(r);
        }
        var gap = results.Max(r => r.Gap);
        var lost = results.Sum(r => r.LostAfter);
        var line = $"failover under load (K=4, G=8, equal demand), {runs} runs: longest ping gap {gap * 1000:0} ms (gaps {string.Join(' ', results.Select(r => (r.Gap * 1000).ToString("0", CultureInfo.InvariantCulture)))}; target <= 1000 ms: {(gap <= 1 ? "PASS" : "MISS")}), " +
            $"lost after the gap {lost} of {results.Sum(r => r.Sent)} pings (target 0: {(lost == 0 ? "PASS" : "MISS")}), lost before it {results.Sum(r => r.LostBefore)}\n";
        report.Append(line);
        Console.Error.Write(line);
    }

    private static int Window(int seconds) => Math.Max(4, seconds / 3);

    /// <summary>The best aggregate for the demand: every assignment of guests to uplinks, each uplink capped at its rate.</summary>
    private static double Best(Scenario s, double capacity)
    {
        var demand = Enumerable.Range(1, s.Guests).Select(d => s.Heavy.Contains(d) ? capacity : LightMbit).ToArray();
        double best = 0;
        var total = (int)Math.Pow(s.Uplinks, s.Guests);
        var load = new double[s.Uplinks];
        for (var code = 0; code < total; code++)
        {
            Array.Clear(load);
            var c = code;
            for (var g = 0; g < s.Guests; g++)
            {
                load[c % s.Uplinks] += demand[g];
                c /= s.Uplinks;
            }
            best = Math.Max(best, load.Sum(l => Math.Min(l, capacity)));
        }
        return best;
    }

    private static string Config(string mode, int uplinks) =>
        "[balancer]\ninterval = 2\nmax_moves_per_minute = 8\nhold = 20\n" +
        string.Concat(Enumerable.Range(0, uplinks).Select(i => $"[bridge:xbr{i}]\nuplink = u{i}\n")) +
        (mode == "stock" ? "" : $"[pool:p]\nbridges = {string.Join(' ', Enumerable.Range(0, uplinks).Select(i => "xbr" + i))}\nstrategy = least-loaded\nshared_segment = yes\n");

    /// <summary>Builds the host, hotplugs the guests, runs the traffic; returns the aggregate Mbit/s over the last window.</summary>
    private static double Measure(Scenario s, string mode, int seconds)
    {
        using var lab = new Lab(s.Uplinks, Config(mode, s.Uplinks));
        for (var d = 1; d <= s.Guests; d++) lab.Guest(d, mode == "stock" ? "xbr0" : "pool:p");
        using var watch = mode == "balancer" ? lab.Watch() : null;
        var clients = Enumerable.Range(1, s.Guests).Select(d => lab.Send(d, s.Heavy.Contains(d) ? null : LightMbit, seconds)).ToList();
        var window = Window(seconds);
        Thread.Sleep(TimeSpan.FromSeconds(seconds - window));
        var before = lab.LanBytes();
        var clock = Stopwatch.StartNew();
        Thread.Sleep(TimeSpan.FromSeconds(window));
        var bytes = lab.LanBytes() - before;
        var mbit = bytes * 8 / 1e6 / clock.Elapsed.TotalSeconds;
        foreach (var (c, d) in clients.Select((c, i) => (c, i + 1)))
        {
            // A sender that failed shows as missing traffic: say why, so a low number is not taken for the placement's.
            var r = Proc.Wait(c, TimeSpan.FromSeconds(15));
            if (!r.Ok) Console.Error.WriteLine($"  {s.Name} / {mode}: guest {d}'s iperf3 failed (exit {r.ExitCode}): " +
                    (r.StdErr + "\n" + r.StdOut).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault());
        }
        Console.Error.WriteLine($"  {s.Name} / {mode}: {mbit:0.0} Mbit/s; guests on " +
            string.Join(' ', Enumerable.Range(1, s.Guests).Select(d => lab.Host.Dom0.MasterOf($"vif{d}.0"))));
        return mbit;
    }

    /// <summary>Eight senders with watch running; guest 1 pings the lan every 50 ms; its uplink loses carrier after 3 s.</summary>
    private static (double Gap, int LostAfter, int LostBefore, int Sent) Failover(string? trace)
    {
        using var lab = new Lab(4, Config("balancer", 4));
        for (var d = 1; d <= 8; d++) lab.Guest(d, "pool:p");
        using var watch = lab.Watch(trace is null ? [] : ["-v"]);
        var clients = Enumerable.Range(1, 8).Select(d => lab.Send(d, null, 12)).ToList();
        Thread.Sleep(2000);
        var bridge = lab.Host.Dom0.MasterOf("vif1.0")!;
        var dumps = new List<Process>();
        if (trace is not null)
        {
            Directory.CreateDirectory(trace);
            Process Dump(Netns ns, string dev, string file) =>
                ns.Start("tcpdump", ["-i", dev, "-n", "-e", "-tt", "-U", "-w", Path.Combine(trace, file), "not tcp"]);
            dumps.Add(Dump(lab.Host.Guest(1), "eth0", "guest-eth0.pcap"));
            for (var i = 0; i < 4; i++)
            {
                dumps.Add(Dump(lab.Lan, "l" + i.ToString(CultureInfo.InvariantCulture), $"lan-l{i}.pcap"));
                dumps.Add(Dump(lab.Host.Dom0, "u" + i.ToString(CultureInfo.InvariantCulture), $"dom0-u{i}.pcap"));
            }
            dumps.Add(Dump(lab.Host.Dom0, "vif1.0", "dom0-vif1.0.pcap"));
            Thread.Sleep(1000);
        }
        var ping = lab.Host.Guest(1).Start("ping", ["-n", "-D", "-i", "0.05", "-w", "8", "10.98.0.1"]);
        Thread.Sleep(3000);
        var cut = DateTimeOffset.UtcNow;
        lab.Lan.Ip("link", "set", "l" + bridge[^1], "down");
        var result = Proc.Wait(ping, TimeSpan.FromSeconds(20));
        foreach (var c in clients) Proc.Wait(c, TimeSpan.FromSeconds(20));
        if (trace is not null)
        {
            foreach (var d in dumps) Proc.Run("kill", ["-INT", d.Id.ToString(CultureInfo.InvariantCulture)]);
            foreach (var d in dumps) Proc.Wait(d, TimeSpan.FromSeconds(5));
            File.WriteAllText(Path.Combine(trace, "ping.txt"), $"carrier cut at {cut.ToUnixTimeMilliseconds() / 1000.0:0.000}\n" + result.StdOut);
            Proc.Run("kill", ["-TERM", watch.Id.ToString(CultureInfo.InvariantCulture)]);
            File.WriteAllText(Path.Combine(trace, "watch.txt"), Proc.Wait(watch, TimeSpan.FromSeconds(10)).ToString());
        }
        var seqs = SeqPattern().Matches(result.StdOut).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).Distinct().Order().ToList();
        if (seqs.Count < 2) return (double.PositiveInfinity, 0, 0, 0);
        int gapStart = seqs[0], longest = 0;
        for (var i = 1; i < seqs.Count; i++)
        {
            if (seqs[i] - seqs[i - 1] > longest)
            {
                longest = seqs[i] - seqs[i - 1];
                gapStart = seqs[i - 1];
            }
        }
        // Lost: a sequence number between the first and the last answered one that was never answered (the pings
        // still unanswered when ping's deadline ends the run are not counted); after the gap: numbered past its end.
        var answered = seqs.ToHashSet();
        var lost = Enumerable.Range(seqs[0], seqs[^1] - seqs[0] + 1).Where(q => !answered.Contains(q)).ToList();
        var lostAfter = lost.Count(q => q > gapStart + longest);
        var lostBefore = lost.Count(q => q < gapStart);
        Console.Error.WriteLine($"  failover: vif1.0 was on {bridge}, now on {lab.Host.Dom0.MasterOf("vif1.0")}");
        return (longest * 0.05, lostAfter, lostBefore, seqs[^1]);
    }

    [GeneratedRegex(@"icmp_seq=(\d+)")]
    private static partial Regex SeqPattern();

    /// <summary>A simulated dom0 with K shaped uplinks to one lan switch (10.98.0.1/24) and an iperf3 sink per guest.</summary>
    private sealed class Lab : IDisposable
    {
        private readonly int _uplinks;

        public Lab(int uplinks, string config)
        {
            _uplinks = uplinks;
            Host = new SimulatedDom0(config);
            try
            {
                Lan = Host.NewNamespace("lan");
                Lan.Ip("link", "add", "sw", "type", "bridge", "stp_state", "0", "forward_delay", "0");
                Lan.Ip("address", "add", "10.98.0.1/24", "dev", "sw");
                Lan.Ip("link", "set", "sw", "up");
                for (var i = 0; i < uplinks; i++)
                {
                    Host.AddBridge($"xbr{i}");
                    Host.Dom0.Ip("link", "add", $"u{i}", "type", "veth", "peer", "name", $"l{i}", "netns", Lan.Name);
                    Lan.Ip("link", "set", $"l{i}", "master", "sw", "up");
                    Host.Dom0.Ip("link", "set", $"u{i}", "master", $"xbr{i}", "up");
                    Proc.Check("ip", "netns", "exec", Host.Dom0.Name, "tc", "qdisc", "replace", "dev", $"u{i}", "root", "tbf",
                        "rate", $"{RateMbit}mbit", "burst", "256kb", "latency", "50ms");
                }
            }
            catch
            {
                Host.Dispose();
                throw;
            }
        }

        public SimulatedDom0 Host { get; }
        public Netns Lan { get; } = null!;

        public void Guest(int domid, string bridge)
        {
            Host.AddGuest(domid, 0, bridge, $"10.98.0.{10 + domid}/24");
            // The guest's NIC has the MAC xenstore gives it, as a netfront's has: the one the balancer announces.
            Host.Guest(domid).Ip("link", "set", "eth0", "address", Host.Backend(domid, 0, "mac")!);
            var r = Host.Hotplug("online", domid, 0);
            if (!r.Ok) throw new InvalidOperationException(r.ToString());
            var port = (5200 + domid).ToString(CultureInfo.InvariantCulture);
            Lan.Start("iperf3", ["-s", "-1", "-p", port]);
            // A sender started before its sink listens fails at once and would count as no traffic.
            for (var i = 0; i < 100 && !Lan.Exec("ss", ["-Htln", "sport", "=", ":" + port]).StdOut.Contains(':' + port, StringComparison.Ordinal); i++)
                Thread.Sleep(50);
        }

        public Process Watch(string[]? extra = null)
        {
            var p = Host.Dom0.Start(Binaries.Network, ["watch", .. extra ?? []], new Dictionary<string, string>
            {
                ["XEN_MULTIBRIDGE_CONFIG"] = Host.ConfigPath,
                ["XEN_MULTIBRIDGE_RUNDIR"] = Host.RunDir,
                ["XENSTORED_PATH"] = Host.Xenstore.SocketPath,
                ["XEN_MULTIBRIDGE_SYSLOG"] = Path.Combine(Host.WorkDir, "no-syslog"),
            });
            var record = Path.Combine(Host.RunDir, "balancer.json");
            for (var i = 0; i < 100 && !File.Exists(record); i++) Thread.Sleep(100);
            return p;
        }

        /// <summary>A TCP sender in the guest to its sink for <paramref name="seconds"/>; <paramref name="mbit"/> null: as fast as it can.</summary>
        public Process Send(int domid, int? mbit, int seconds)
        {
            List<string> args = ["-c", "10.98.0.1", "-p", (5200 + domid).ToString(CultureInfo.InvariantCulture), "-t", seconds.ToString(CultureInfo.InvariantCulture), "-i", "0"];
            if (mbit is { } m) args.AddRange(["-b", $"{m}M"]);
            return Host.Guest(domid).Start("iperf3", args);
        }

        /// <summary>Bytes received by the lan switch from all cables.</summary>
        public long LanBytes() =>
            Enumerable.Range(0, _uplinks).Sum(i => long.Parse(Lan.ReadSys($"l{i}", "statistics/rx_bytes"), CultureInfo.InvariantCulture));

        public void Dispose() => Host.Dispose();
    }
}
