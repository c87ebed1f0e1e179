using System.Globalization;
using System.Text.Json.Nodes;

namespace XenHotplug.TestSupport;

/// <summary>
/// A network namespace this test run created (unique name), deleted on Dispose even when the test failed.
/// Everything a test does to the network happens inside namespaces like this one.
/// </summary>
public sealed class Netns : IDisposable
{
    private Netns(string name) => Name = name;

    public string Name { get; }

    /// <summary>A short unique prefix for one test: "xhp" + 6 random hex digits.</summary>
    public static string UniquePrefix() => "xhp" + Guid.NewGuid().ToString("N")[..6];

    public static Netns Create(string name)
    {
        Proc.Check("ip", "netns", "add", name);
        var ns = new Netns(name);
        ns.Ip("link", "set", "lo", "up");
        return ns;
    }

    /// <summary>`ip -n NAME ARGS`, asserting success; returns stdout.</summary>
    public string Ip(params string[] args) => Proc.Check("ip", ["-n", Name, .. args]);

    /// <summary>`ip netns exec NAME FILE ARGS` with an environment; returns the result.</summary>
    public ProcResult Exec(string file, IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null, TimeSpan? timeout = null) =>
        Proc.Run("ip", ["netns", "exec", Name, file, .. args], env, timeout);

    /// <summary>Starts `ip netns exec NAME FILE ARGS` without waiting.</summary>
    public System.Diagnostics.Process Start(string file, IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null) =>
        Proc.Start("ip", ["netns", "exec", Name, file, .. args], env);

    /// <summary>
    /// True when a ping from this namespace is answered within <paramref name="seconds"/> (echo requests are resent
    /// until the deadline: a bridge port that just came up may take a moment to forward, the kernel's link watch is lazy).
    /// </summary>
    public bool Ping(string address, int seconds = 3) =>
        Proc.Run("ip", ["netns", "exec", Name, "ping", "-n", "-c", "1", "-i", "0.2", "-w", seconds.ToString(CultureInfo.InvariantCulture), address]).Ok;

    /// <summary>`ip -n NAME -j ARGS`, parsed.</summary>
    public JsonArray Json(params string[] args) => JsonNode.Parse(Ip(["-j", .. args]))!.AsArray();

    public long RxPackets(string dev) => long.Parse(ReadSys(dev, "statistics/rx_packets"), CultureInfo.InvariantCulture);

    public string ReadSys(string dev, string attr) => Exec("cat", [$"/sys/class/net/{dev}/{attr}"]).StdOut.Trim();

    /// <summary>The bridge a device is enslaved to, or null.</summary>
    public string? MasterOf(string dev)
    {
        var r = Exec("readlink", [$"/sys/class/net/{dev}/master"]);
        return r.Ok ? Path.GetFileName(r.StdOut.Trim()) : null;
    }

    public bool Has(string dev) => Exec("test", ["-e", $"/sys/class/net/{dev}"]).Ok;

    public IReadOnlyList<string> Ports(string bridge)
    {
        var r = Exec("ls", [$"/sys/class/net/{bridge}/brif"]);
        return r.Ok ? r.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).ToList() : [];
    }

    public void Dispose() => Delete(Name);

    /// <summary>
    /// The one cleanup rule for every namespace a test made: kill what still runs in it (by pid), then delete it
    /// (its veths go with it). Never fails: cleanup must not hide the test's own failure.
    /// </summary>
    public static void Delete(string name)
    {
        var pids = Proc.Run("ip", ["netns", "pids", name]).StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var pid in pids) Proc.Run("kill", ["-9", pid]);
        Proc.Run("ip", ["netns", "delete", name]);
    }
}
