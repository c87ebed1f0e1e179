using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace XenHotplug.TestSupport;

/// <summary>
/// The simulated dom0 as network-multibridge sees it: numbered uplinks whose peers sit in one shared lan namespace
/// with addresses and routes, guests already on a bridge, the tool run inside dom0, and dom0's whole network state
/// as one comparable text.
/// </summary>
public sealed partial class SimulatedDom0
{
    private readonly List<Process> _processes = [];
    private Netns? _lan;

    /// <summary>The lan namespace the numbered uplinks (<see cref="AddLanUplink"/>) lead to; made on first use.</summary>
    public Netns Lan => _lan ??= NewNamespace("lan");

    /// <summary>
    /// An uplink NIC in dom0 (veth) whose peer lan{n} is in <see cref="Lan"/> with 10.77.n.1/24 and fd77:n::1/64;
    /// dom0 gets 10.77.n.2/24 and fd77:n::2/64, and (with <paramref name="defaultRoute"/>) the default routes.
    /// </summary>
    public void AddLanUplink(string nic, int n, bool defaultRoute)
    {
        var peer = "lan" + n.ToString(CultureInfo.InvariantCulture);
        Proc.Check("ip", "link", "add", nic, "netns", Dom0.Name, "type", "veth", "peer", "name", peer, "netns", Lan.Name);
        Lan.Ip("address", "add", $"10.77.{n}.1/24", "dev", peer);
        Lan.Ip("address", "add", $"fd77:{n}::1/64", "dev", peer, "nodad");
        Lan.Ip("link", "set", peer, "up");
        Dom0.Ip("address", "add", $"10.77.{n}.2/24", "dev", nic);
        Dom0.Ip("address", "add", $"fd77:{n}::2/64", "dev", nic, "nodad");
        Dom0.Ip("link", "set", nic, "up");
        if (defaultRoute)
        {
            Dom0.Ip("route", "add", "default", "via", $"10.77.{n}.1", "dev", nic);
            Dom0.Ip("-6", "route", "add", "default", "via", $"fd77:{n}::1", "dev", nic);
        }
        // A static route with a metric and protocol, to see it moved exactly.
        Dom0.Ip("route", "add", $"10.{100 + n}.0.0/16", "via", $"10.77.{n}.1", "dev", nic, "metric", "50", "proto", "static");
    }

    /// <summary>
    /// A guest already attached: vif{domid}.0 in dom0 enslaved to <paramref name="bridge"/> and up, its peer eth0 in
    /// the guest's namespace with 10.77.n.(10+domid)/24. No xenstore nodes: for network-multibridge, which never reads them.
    /// </summary>
    public Netns AddBridgedGuest(int domid, string bridge, int n)
    {
        var guest = NewNamespace("g" + domid.ToString(CultureInfo.InvariantCulture));
        _guests[domid] = guest;
        // No IPv6 in guests: their neighbour discovery would otherwise add packets to the lan counters.
        Proc.Check("ip", "netns", "exec", guest.Name, "sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1");
        var vif = $"vif{domid}.0";
        Proc.Check("ip", "link", "add", vif, "netns", Dom0.Name, "type", "veth", "peer", "name", "eth0", "netns", guest.Name);
        guest.Ip("address", "add", $"10.77.{n}.{10 + domid}/24", "dev", "eth0");
        guest.Ip("link", "set", "eth0", "up");
        Dom0.Ip("link", "set", vif, "master", bridge, "up");
        return guest;
    }

    /// <summary>Runs network-multibridge inside dom0; <paramref name="env"/> adds variables (e.g. PATH for the ip shim).</summary>
    public ProcResult NetworkTool(IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null) =>
        Dom0.Exec("env", [.. NetworkToolEnvironment(env), Binaries.Network, .. args]);

    public ProcResult NetworkTool(params string[] args) => NetworkTool(args, null);

    /// <summary>
    /// Runs network-multibridge inside dom0 as nobody (uid and gid 65534, no groups), from a copy in the work
    /// directory (the checkout, and so out/, may be in a directory other users cannot enter, as /root or a
    /// `mktemp -d` is), with a working directory nobody cannot enter either, as when root's shell in /root runs
    /// `sudo -u nobody network-multibridge status`.
    /// </summary>
    public ProcResult NetworkToolAsNobody(params string[] args)
    {
        const UnixFileMode Open = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead
            | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        var copy = Path.Combine(WorkDir, "network-multibridge");
        var closed = Path.Combine(WorkDir, "root-only");
        if (!File.Exists(copy))
        {
            File.SetUnixFileMode(WorkDir, Open);
            File.Copy(Binaries.Network, copy);
            File.SetUnixFileMode(copy, Open);
            Directory.CreateDirectory(closed);
            File.SetUnixFileMode(closed, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        return Dom0.Exec("env", [.. NetworkToolEnvironment(null), "/usr/bin/env", "-C", closed, "/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", copy, .. args]);
    }

    /// <summary>Starts network-multibridge in dom0 without waiting (for kill -9 tests); killed on Dispose.</summary>
    public Process StartNetworkTool(IEnumerable<string> args, IReadOnlyDictionary<string, string> env) =>
        StartProcess("ip", ["netns", "exec", Dom0.Name, "env", .. NetworkToolEnvironment(env), Binaries.Network, .. args]);

    /// <summary>Starts a process without waiting (killed on Dispose).</summary>
    public Process StartProcess(string file, params string[] args)
    {
        var p = Proc.Start(file, args);
        _processes.Add(p);
        return p;
    }

    private List<string> NetworkToolEnvironment(IReadOnlyDictionary<string, string>? env)
    {
        var vars = new List<string> { $"XEN_MULTIBRIDGE_CONFIG={ConfigPath}", $"XEN_MULTIBRIDGE_RUNDIR={RunDir}", "XEN_MULTIBRIDGE_SYSLOG=/nonexistent" };
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) vars.Add($"{k}={v}");
        return vars;
    }

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
            foreach (var node in Dom0.Json(args))
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
            var pending = Dom0.Json("addr").Any(l =>
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

    private void StopProcesses()
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
    }
}
