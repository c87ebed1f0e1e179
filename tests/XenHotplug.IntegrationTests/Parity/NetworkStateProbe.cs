using System.Globalization;
using System.Text.Json;
using XenHotplug.TestSupport;

namespace XenHotplug.IntegrationTests.Parity;

/// <summary>
/// What a hotplug script leaves behind on one interface, as the kernel of a namespace reports it.
/// <see cref="Addresses"/> holds the addresses that survive a flush check: link-local IPv6 addresses
/// are left out because the kernel adds them on its own whenever the link goes up.
/// </summary>
public sealed record LinkState(
    string Name,
    bool Exists,
    string? Master,
    bool AdminUp,
    int Mtu,
    string? Mac,
    IReadOnlyList<string> Addresses,
    string? Alias,
    string? Kind)
{
    public static LinkState Missing(string name) => new(name, false, null, false, 0, null, [], null, null);

    /// <summary>The comparable part, on one line (records with lists do not compare by value).</summary>
    public string Summary =>
        Exists
            ? $"{Name}: master={Master ?? "-"} {(AdminUp ? "up" : "down")} mtu={Mtu.ToString(CultureInfo.InvariantCulture)} mac={Mac} addr=[{string.Join(' ', Addresses)}]"
            : $"{Name}: absent";

    public override string ToString() => Summary + $" alias={Alias ?? "-"} kind={Kind ?? "-"}";
}

/// <summary>Captures a <see cref="LinkState"/> with one `ip -j -d addr show` inside a namespace, cross-checked against sysfs.</summary>
public static class NetworkStateProbe
{
    public static LinkState Capture(Netns ns, string dev)
    {
        var r = Proc.Run("ip", ["-n", ns.Name, "-j", "-d", "addr", "show", "dev", dev]);
        if (!r.Ok) return LinkState.Missing(dev);
        using var doc = JsonDocument.Parse(r.StdOut);
        var root = doc.RootElement;
        if (root.GetArrayLength() == 0) return LinkState.Missing(dev);
        var link = root[0];
        var flags = link.TryGetProperty("flags", out var f) ? f.EnumerateArray().Select(x => x.GetString()).ToList() : [];
        var addresses = new List<string>();
        if (link.TryGetProperty("addr_info", out var info))
        {
            foreach (var a in info.EnumerateArray())
            {
                if (a.TryGetProperty("scope", out var scope) && scope.GetString() == "link") continue;
                addresses.Add($"{a.GetProperty("local").GetString()}/{a.GetProperty("prefixlen").GetInt32().ToString(CultureInfo.InvariantCulture)}");
            }
        }
        addresses.Sort(StringComparer.Ordinal);
        string? kind = link.TryGetProperty("linkinfo", out var li) && li.TryGetProperty("info_kind", out var k) ? k.GetString() : null;
        var state = new LinkState(
            dev,
            true,
            link.TryGetProperty("master", out var m) ? m.GetString() : null,
            flags.Contains("UP"),
            link.GetProperty("mtu").GetInt32(),
            link.TryGetProperty("address", out var mac) ? mac.GetString() : null,
            addresses,
            link.TryGetProperty("ifalias", out var alias) ? alias.GetString() : null,
            kind);
        // sysfs (in the namespace's own /sys) must agree with netlink on the bridge.
        var sysMaster = ns.MasterOf(dev);
        if (sysMaster != state.Master)
            throw new InvalidOperationException($"{ns.Name}/{dev}: netlink says master {state.Master ?? "-"}, sysfs says {sysMaster ?? "-"}");
        return state;
    }
}
