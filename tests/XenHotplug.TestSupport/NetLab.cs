#pragma warning disable CA1822 // instance helpers read better in the tests
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace XenHotplug.TestSupport;

/// <summary>
/// A simulated dom0 for one test: network namespaces with unique names (xhp-RANDOM-dom0, -lan, -gN), veth uplinks
/// whose peers sit in the lan namespace, a temporary INI and run directory. Everything is deleted on Dispose;
/// nothing is done in the root namespace.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class NetLab : IDisposable
{
    public const string Ip = "/bin/ip";
    private readonly List<string> _namespaces = [];
    private readonly List<Process> _processes = [];
    private int _guests;

    public NetLab()
    {
        Id = "xhp-" + Guid.NewGuid().ToString("N")[..8];
        Dom0 = Id + "-dom0";
        Lan = Id + "-lan";
        Dir = Directory.CreateTempSubdirectory("xhp-net-").FullName;
        File.SetUnixFileMode(Dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        RunDir = Path.Combine(Dir, "run");
        ConfigPath = Path.Combine(Dir, "multibridge.ini");
        try
        {
            AddNamespace(Dom0);
            AddNamespace(Lan);
            Must(Ip, "-n", Dom0, "link", "set", "lo", "up");
            Must(Ip, "-n", Lan, "link", "set", "lo", "up");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Id { get; }
    public string Dom0 { get; }
    public string Lan { get; }
    public string Dir { get; }
    public string RunDir { get; }
    public string ConfigPath { get; }

    /// <summary>The published network-multibridge (a missing one fails the test, never skips it).</summary>
    public static string Binary => Binaries.Network;

    public void AddNamespace(string name)
    {
        Must(Ip, "netns", "add", name);
        _namespaces.Add(name);
    }

    /// <summary>
    /// An uplink NIC in dom0 (veth) whose peer lan{n} is in the lan namespace with 10.77.n.1/24 and fd77:n::1/64;
    /// dom0 gets 10.77.n.2/24 and fd77:n::2/64, and (with <paramref name="defaultRoute"/>) the default routes.
    /// </summary>
    public void AddUplink(string nic, int n, bool defaultRoute)
    {
        var peer = "lan" + n.ToString(CultureInfo.InvariantCulture);
        Must(Ip, "link", "add", nic, "netns", Dom0, "type", "veth", "peer", "name", peer, "netns", Lan);
        Must(Ip, "-n", Lan, "address", "add", $"10.77.{n}.1/24", "dev", peer);
        Must(Ip, "-n", Lan, "address", "add", $"fd77:{n}::1/64", "dev", peer, "nodad");
        Must(Ip, "-n", Lan, "link", "set", peer, "up");
        Must(Ip, "-n", Dom0, "address", "add", $"10.77.{n}.2/24", "dev", nic);
        Must(Ip, "-n", Dom0, "address", "add", $"fd77:{n}::2/64", "dev", nic, "nodad");
        Must(Ip, "-n", Dom0, "link", "set", nic, "up");
        if (defaultRoute)
        {
            Must(Ip, "-n", Dom0, "route", "add", "default", "via", $"10.77.{n}.1", "dev", nic);
            Must(Ip, "-n", Dom0, "-6", "route", "add", "default", "via", $"fd77:{n}::1", "dev", nic);
        }
        // A static route with a metric and protocol, to see it moved exactly.
        Must(Ip, "-n", Dom0, "route", "add", $"10.{100 + n}.0.0/16", "via", $"10.77.{n}.1", "dev", nic, "metric", "50", "proto", "static");
    }

    /// <summary>A guest: vif{domid}.0 in dom0 enslaved to the bridge, its peer eth0 in a guest namespace with 10.77.n.(10+domid).</summary>
    public string AddGuest(int domid, string bridge, int n)
    {
        var ns = $"{Id}-g{++_guests}";
        AddNamespace(ns);
        // No IPv6 in guests: their neighbour discovery would otherwise add packets to the lan counters.
        Must(Ip, "netns", "exec", ns, "sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1");
        var vif = $"vif{domid}.0";
        Must(Ip, "link", "add", vif, "netns", Dom0, "type", "veth", "peer", "name", "eth0", "netns", ns);
        Must(Ip, "-n", ns, "address", "add", $"10.77.{n}.{10 + domid}/24", "dev", "eth0");
        Must(Ip, "-n", ns, "link", "set", "eth0", "up");
        Must(Ip, "-n", ns, "link", "set", "lo", "up");
        Must(Ip, "-n", Dom0, "link", "set", vif, "master", bridge, "up");
        return ns;
    }

    public void WriteConfig(string ini)
    {
        File.WriteAllText(ConfigPath, ini);
        File.SetUnixFileMode(ConfigPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
    }

    /// <summary>Runs network-multibridge inside dom0; <paramref name="env"/> adds variables (e.g. PATH for the ip shim).</summary>
    public Run Tool(IEnumerable<string> args, IDictionary<string, string>? env = null, string[]? prefix = null) => Tool(args, env, prefix, Binary);

    /// <summary>
    /// Runs network-multibridge inside dom0 as nobody (uid and gid 65534, no groups), from a copy in the lab's
    /// directory (the checkout, and so out/, may be in a directory other users cannot enter, as /root or a
    /// `mktemp -d` is), with a working directory nobody cannot enter either, as when root's shell in /root runs
    /// `sudo -u nobody network-multibridge status`.
    /// </summary>
    public Run ToolAsNobody(params string[] args)
    {
        var copy = Path.Combine(Dir, "network-multibridge");
        var closed = Path.Combine(Dir, "root-only");
        if (!File.Exists(copy))
        {
            File.Copy(Binary, copy);
            File.SetUnixFileMode(copy, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead
                | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            Directory.CreateDirectory(closed);
            File.SetUnixFileMode(closed, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        return Tool(args, null, ["/usr/bin/env", "-C", closed, "/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"], copy);
    }

    private Run Tool(IEnumerable<string> args, IDictionary<string, string>? env, string[]? prefix, string binary)
    {
        var argv = new List<string> { "netns", "exec", Dom0, "env", $"XEN_MULTIBRIDGE_CONFIG={ConfigPath}", $"XEN_MULTIBRIDGE_RUNDIR={RunDir}", "XEN_MULTIBRIDGE_SYSLOG=/nonexistent" };
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) argv.Add($"{k}={v}");
        argv.AddRange(prefix ?? []);
        argv.Add(binary);
        argv.AddRange(args);
        return Exec(Ip, argv.ToArray());
    }

    public Run Tool(params string[] args) => Tool(args, null);

    /// <summary>Starts network-multibridge in dom0 without waiting (for kill -9 tests).</summary>
    public Process StartTool(IEnumerable<string> args, IDictionary<string, string> env) =>
        StartProcess(Ip, [
            "netns", "exec", Dom0, "env", $"XEN_MULTIBRIDGE_CONFIG={ConfigPath}", $"XEN_MULTIBRIDGE_RUNDIR={RunDir}", "XEN_MULTIBRIDGE_SYSLOG=/nonexistent",
            .. env.Select(kv => $"{kv.Key}={kv.Value}"), Binary, .. args]);

    /// <summary>Starts a process without waiting (killed on Dispose).</summary>
    public Process StartProcess(string file, params string[] args)
    {
        var p = Proc.Start(file, args);
        _processes.Add(p);
        return p;
    }

    public bool Ping(string ns, string address, int attempts = 1)
    {
        for (var i = 0; i < attempts; i++)
        {
            if (Exec(Ip, "netns", "exec", ns, "ping", "-n", "-q", "-c", "1", "-W", "1", address).ExitCode == 0) return true;
        }
        return false;
    }

    /// <summary>Pings until the path works (links just brought up need a moment), at most ~5 s.</summary>
    public bool Reachable(string ns, string address) => Ping(ns, address, 5);

    public long RxPackets(string ns, string dev) =>
        long.Parse(Must(Ip, "netns", "exec", ns, "cat", $"/sys/class/net/{dev}/statistics/rx_packets").Trim(), CultureInfo.InvariantCulture);

    public JsonArray Json(string ns, params string[] args) =>
        JsonNode.Parse(Must([Ip, "-n", ns, "-j", .. args]))!.AsArray();

    /// <summary>
    /// dom0's whole network state (`ip -d -j link`, `ip -j addr`, `ip -j route`, `ip -6 -j route`), normalised:
    /// transient fields (operstate, carrier flags, tentative, counters) and the ifindex (a recreated bridge gets a new one) dropped, lists sorted.
    /// </summary>
    public string Snapshot(bool ignoreNoDad = false)
    {
        WaitSettled();
        var parts = new List<string>();
        foreach (var args in new[] { new[] { "-d", "link" }, new[] { "addr" }, new[] { "route" }, new[] { "-6", "route" } })
        {
            var items = new List<string>();
            foreach (var node in Json(Dom0, args))
            {
                var o = node!.AsObject();
                foreach (var k in new[] { "ifindex", "operstate", "linkinfo", "promiscuity", "allmulti", "gso_max_size", "gso_max_segs", "tso_max_size", "tso_max_segs", "gro_max_size", "num_tx_queues", "num_rx_queues", "stats64", "linkmode" })
                    o.Remove(k);
                if (o["flags"] is JsonArray flags)
                {
                    var kept = flags.Select(f => f!.GetValue<string>()).Where(f => f is not ("LOWER_UP" or "NO-CARRIER" or "linkdown" or "M-DOWN")).ToArray();
                    o["flags"] = new JsonArray(kept.Select(f => (JsonNode)JsonValue.Create(f)!).ToArray());
                }
                if (o["addr_info"] is JsonArray addrs)
                {
                    var sorted = new List<string>();
                    foreach (var a in addrs)
                    {
                        a!.AsObject().Remove("tentative");
                        if (ignoreNoDad) a.AsObject().Remove("nodad");
                        sorted.Add(a.ToJsonString());
                    }
                    sorted.Sort(StringComparer.Ordinal);
                    o["addr_info"] = new JsonArray(sorted.Select(x => JsonNode.Parse(x)).ToArray());
                }
                items.Add(o.ToJsonString());
            }
            items.Sort(StringComparer.Ordinal);
            parts.Add(string.Join("\n", items));
        }
        return string.Join("\n---\n", parts);
    }

    /// <summary>Waits (at most ~3 s) until every link that is up with a carrier has its IPv6 link-local address (the kernel adds it a moment after).</summary>
    public void WaitSettled()
    {
        for (var i = 0; i < 30; i++)
        {
            var pending = Json(Dom0, "addr").Any(l =>
                l!["flags"]!.AsArray().Any(f => f!.GetValue<string>() == "LOWER_UP") && l["ifname"]!.GetValue<string>() != "lo"
                && !l["addr_info"]!.AsArray().Any(a => a!["scope"]!.GetValue<string>() == "link"));
            if (!pending) return;
            Thread.Sleep(100);
        }
    }

    /// <summary>
    /// Waits (at most ~3 s) until dom0's state equals <paramref name="expected"/>: a link brought back up gets its
    /// IPv6 link-local address and routes from the kernel a moment later. Returns the last difference, or null.
    /// </summary>
    public string? StateDifference(string expected, bool ignoreNoDad = false)
    {
        var actual = "";
        for (var i = 0; i < 30; i++)
        {
            actual = Snapshot(ignoreNoDad);
            if (actual == expected) return null;
            Thread.Sleep(100);
        }
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        return "expected only:\n" + string.Join('\n', e.Except(a)) + "\nactual only:\n" + string.Join('\n', a.Except(e));
    }

    public static Run Exec(string file, params string[] args)
    {
        var r = Proc.Run(file, args);
        return new Run(r.ExitCode, r.StdOut, r.StdErr);
    }

    public static string Must(params string[] argv)
    {
        var r = Exec(argv[0], argv[1..]);
        if (r.ExitCode != 0) throw new InvalidOperationException($"{string.Join(' ', argv)} failed: {r.Stderr}");
        return r.Stdout;
    }

    public void Dispose()
    {
        foreach (var p in _processes)
        {
            try
            {
                if (!p.HasExited) p.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
            }
            p.Dispose();
        }
        foreach (var ns in Enumerable.Reverse(_namespaces))
        {
            Netns.Delete(ns);
        }
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
