using System.Text.Json.Nodes;
using XenHotplug.TestSupport;

namespace XenHotplug.IntegrationTests.Firewall;

/// <summary>
/// Concurrent onlines and offlines of guarded NICs (antispoof = ip and dhcp), for the same NIC and for different ones
/// at once, as libxl may run them while guests start and stop together: after every round the kernel holds exactly one
/// guard per NIC that is on the bridge (its map element, its chain with its rules, for dhcp its learning element,
/// chain and set) and none for a NIC that is not — never a port on the bridge without its guard — and after the
/// offlines nothing of any NIC is left.
/// </summary>
public sealed class ConcurrentGuardTests : IDisposable
{
    private const string Config = "[bridge:xenbr0]\nuplink = eth0\n[domain:ip-*]\nantispoof = ip\n[domain:dhcp-*]\nantispoof = dhcp\n";
    private static readonly int[] IpNics = [1, 2, 3], DhcpNics = [4, 5, 6];
    private readonly SimulatedDom0 _host = new(Config);

    public void Dispose() => _host.Dispose();

    private static string Device(int d) => $"vif{d}.0";

    private static string Chain(int d) => $"vif_vif{d}_2e0";

    private static bool IsDhcp(int d) => DhcpNics.Contains(d);

    /// <summary>Runs every (command, NIC) at once, as separate vif-multibridge processes; their results in order.</summary>
    private List<ProcResult> AtOnce(params (string Command, int Nic)[] runs)
    {
        var started = runs.Select(r => _host.Dom0.Start(Binaries.Vif, [r.Command, "type_if=vif"], _host.LibxlEnvironment(r.Nic, 0))).ToList();
        var results = started.Select(p => Proc.Wait(p, TimeSpan.FromSeconds(60))).ToList();
        foreach (var p in started) p.Dispose();
        return results;
    }

    private static void AllOk(IEnumerable<ProcResult> results, string what)
    {
        foreach (var r in results) Assert.True(r.Ok, what + ": " + r);
    }

    /// <summary>The rules explain prints for a NIC's guard (what its chain must hold, once).</summary>
    private int ExpectedRules(int d)
    {
        var explain = _host.Dom0.Exec(Binaries.Vif, ["explain", d.ToString(System.Globalization.CultureInfo.InvariantCulture), "0"], _host.LibxlEnvironment(d, 0));
        Assert.True(explain.Ok, explain.ToString());
        var count = explain.StdOut.Split('\n').SkipWhile(l => !l.StartsWith("  rules (", StringComparison.Ordinal)).Skip(1)
            .TakeWhile(l => l.StartsWith("    ", StringComparison.Ordinal)).Count();
        Assert.True(count > 10, explain.StdOut);
        return count;
    }

    /// <summary>The table as nft -j lists it: chains with their rule counts, maps with their elements, set names.</summary>
    private (Dictionary<string, int> Rules, Dictionary<string, List<(string Key, string Target)>> Maps, HashSet<string> Sets) Table()
    {
        var r = _host.Dom0.Exec("nft", ["-j", "list", "table", "bridge", "xen_multibridge"]);
        Assert.True(r.Ok, r.ToString());
        var rules = new Dictionary<string, int>(StringComparer.Ordinal);
        var maps = new Dictionary<string, List<(string, string)>>(StringComparer.Ordinal);
        var sets = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in JsonNode.Parse(r.StdOut)!["nftables"]!.AsArray())
        {
            if (item!["chain"] is { } chain) rules.TryAdd((string)chain["name"]!, 0);
            else if (item["rule"] is { } rule) rules[(string)rule["chain"]!] = rules.GetValueOrDefault((string)rule["chain"]!) + 1;
            else if (item["set"] is { } set) sets.Add((string)set["name"]!);
            else if (item["map"] is { } map)
            {
                var elements = new List<(string, string)>();
                foreach (var e in map["elem"]?.AsArray() ?? [])
                    elements.Add(((string)e![0]!, (string)e[1]!["jump"]!["target"]!));
                maps[(string)map["name"]!] = elements;
            }
        }
        return (rules, maps, sets);
    }

    /// <summary>
    /// Every NIC in <paramref name="guarded"/> has exactly one whole guard and its port on the bridge; every NIC in
    /// <paramref name="unguarded"/> has nothing and its port off the bridge; a NIC in <paramref name="either"/> is one or
    /// the other, whole. The base chains keep their single rule.
    /// </summary>
    private void Check(string round, Dictionary<int, int> expected, IEnumerable<int> guarded, IEnumerable<int> unguarded, IEnumerable<int> either)
    {
        var (rules, maps, sets) = Table();
        var dump = _host.Dom0.Exec("nft", ["list", "table", "bridge", "xen_multibridge"]).StdOut;
        Assert.True(rules.GetValueOrDefault("prerouting") == 1, $"{round}: prerouting holds one rule\n{dump}");
        Assert.True(rules.GetValueOrDefault("forward") == 1, $"{round}: forward holds one rule\n{dump}");
        var guardedMap = maps.GetValueOrDefault("guarded") ?? [];
        var learningMap = maps.GetValueOrDefault("learning") ?? [];
        Assert.True(guardedMap.Select(e => e.Key).Distinct().Count() == guardedMap.Count, $"{round}: one element a name\n{dump}");
        void Is(int d, bool on)
        {
            var what = $"{round}: {Device(d)} {(on ? "guarded" : "unguarded")}\n{dump}";
            var master = _host.Dom0.MasterOf(Device(d));
            Assert.True(on ? master == "xenbr0" : master is null, what + $"\nmaster: {master ?? "none"}");
            Assert.True(guardedMap.Count(e => e.Key == Device(d) || e.Target == Chain(d)) == (on ? 1 : 0), what);
            if (on) Assert.Contains((Device(d), Chain(d)), guardedMap);
            Assert.True(on ? rules.GetValueOrDefault(Chain(d), -1) == expected[d] : !rules.ContainsKey(Chain(d)), what);
            Assert.True(sets.Contains(Chain(d) + "_v6") == on, what);
            if (!IsDhcp(d)) return;
            var learn = "learn_" + Chain(d)["vif_".Length..];
            Assert.True(learningMap.Count(e => e.Key == Device(d) || e.Target == learn) == (on ? 1 : 0), what);
            Assert.True(on ? rules.GetValueOrDefault(learn, -1) == 1 : !rules.ContainsKey(learn), what);
            Assert.True(sets.Contains(Chain(d) + "_dhcp") == on, what);
        }
        foreach (var d in guarded) Is(d, true);
        foreach (var d in unguarded) Is(d, false);
        foreach (var d in either) Is(d, guardedMap.Any(e => e.Key == Device(d)));
    }

    [Fact]
    public void Concurrent_onlines_and_offlines_leave_exactly_one_guard_per_nic_and_none_after_the_offlines()
    {
        _host.AddBridge("xenbr0");
        _host.AddUplink("eth0", "xenbr0");
        int[] all = [.. IpNics, .. DhcpNics];
        foreach (var d in all)
        {
            _host.AddLightGuest(d, 0, "xenbr0", name: (IsDhcp(d) ? "dhcp-" : "ip-") + d);
            if (!IsDhcp(d)) _host.Xenstore.Write($"/local/domain/0/backend/vif/{d}/0/ip", $"192.0.2.{d}");
        }
        var expected = all.ToDictionary(d => d, ExpectedRules);

        for (var round = 0; round < 4; round++)
        {
            // Every NIC online twice at once.
            AllOk(AtOnce([.. all.SelectMany(d => new[] { ("online", d), ("online", d) })]), $"round {round}: online");
            Check($"round {round} after the onlines", expected, all, [], []);

            // At once: two offlines of NIC 1 and 4, two repeated onlines of 2 and 5, an online racing an offline of 3 and 6.
            var results = AtOnce(("offline", 1), ("offline", 1), ("online", 2), ("online", 2), ("online", 3), ("offline", 3),
                ("offline", 4), ("offline", 4), ("online", 5), ("online", 5), ("online", 6), ("offline", 6));
            AllOk(results.Where((_, i) => i is not (4 or 5 or 10 or 11)), $"round {round}: mixed");
            Check($"round {round} after the mixed runs", expected, [2, 5], [1, 4], [3, 6]);
        }

        // Every NIC offline twice at once: nothing of any guard is left.
        AllOk(AtOnce([.. all.SelectMany(d => new[] { ("offline", d), ("offline", d) })]), "offline");
        Check("after the offlines", expected, [], all, []);
        var (rules, maps, sets) = Table();
        Assert.DoesNotContain(rules.Keys, c => c.StartsWith("vif_", StringComparison.Ordinal) || c.StartsWith("learn_", StringComparison.Ordinal));
        Assert.All(maps.Values, Assert.Empty);
        Assert.DoesNotContain(sets, s => s.StartsWith("vif_", StringComparison.Ordinal));
    }
}
