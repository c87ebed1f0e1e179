using System.Globalization;
using System.Text.Json;

namespace XenHotplug.Bridges;

/// <summary>One address as `ip -j address` shows it; identity is family, local address and prefix length.</summary>
public sealed record IpAddress(
    string Family,
    string Local,
    int PrefixLen,
    string? Broadcast = null,
    string? Scope = null,
    string? LabelSuffix = null,
    bool NoPrefixRoute = false,
    bool NoDad = false,
    long? ValidLft = null,
    long? PreferredLft = null)
{
    public const long Forever = 4294967295;

    public string Cidr => Local + "/" + PrefixLen.ToString(CultureInfo.InvariantCulture);

    public bool IsIPv6 => Family == "inet6";

    /// <summary>Addresses network-multibridge moves: not link-local, not host scope (the kernel makes those).</summary>
    public bool IsMovable => Scope is not ("link" or "host") && !Local.StartsWith("fe80:", StringComparison.OrdinalIgnoreCase);

    public bool SameAs(IpAddress other) => Family == other.Family && Local == other.Local && PrefixLen == other.PrefixLen;

    /// <summary>The words after "dev D" of `ip address add` for this address on <paramref name="dev"/>.</summary>
    public IReadOnlyList<string> AddExtra(string dev)
    {
        var extra = new List<string>();
        if (Broadcast is not null && !IsIPv6) extra.AddRange(["broadcast", Broadcast]);
        if (Scope is not null && Scope != "global") extra.AddRange(["scope", Scope]);
        if (LabelSuffix is not null && !IsIPv6) extra.AddRange(["label", dev + LabelSuffix]);
        if (ValidLft is { } v && v < Forever)
        {
            extra.AddRange(["valid_lft", v.ToString(CultureInfo.InvariantCulture)]);
            extra.AddRange(["preferred_lft", (PreferredLft ?? v).ToString(CultureInfo.InvariantCulture)]);
        }
        if (NoPrefixRoute) extra.Add("noprefixroute");
        if (NoDad && IsIPv6) extra.Add("nodad");
        return extra;
    }
}

/// <summary>One main-table route through a device, as `ip -j route` shows it.</summary>
public sealed record IpRoute(
    string Family,
    string Dst,
    string? Gateway = null,
    string? Protocol = null,
    string? Scope = null,
    string? PrefSrc = null,
    int? Metric = null,
    bool OnLink = false,
    string? Pref = null)
{
    /// <summary>Routes the kernel makes from addresses (they follow the address, never moved by hand).</summary>
    public bool IsKernel => Protocol == "kernel";

    public bool IsIPv6 => Family == "inet6";

    private string DstWord => Dst == "default" ? (IsIPv6 ? "::/0" : "0.0.0.0/0") : Dst;

    private int EffectiveMetric => Metric ?? (IsIPv6 ? 1024 : 0);

    public bool SameAs(IpRoute other) =>
        Family == other.Family && DstWord == other.DstWord && Gateway == other.Gateway && EffectiveMetric == other.EffectiveMetric;

    /// <summary>The words of `ip route add ... ` before "dev D".</summary>
    public IReadOnlyList<string> AddSpec
    {
        get
        {
            var spec = new List<string> { DstWord };
            if (Gateway is not null) spec.AddRange(["via", Gateway]);
            if (Protocol is not null) spec.AddRange(["proto", Protocol]);
            if (Scope is not null && Scope != "global") spec.AddRange(["scope", Scope]);
            if (PrefSrc is not null) spec.AddRange(["src", PrefSrc]);
            if (Metric is { } m) spec.AddRange(["metric", m.ToString(CultureInfo.InvariantCulture)]);
            if (OnLink) spec.Add("onlink");
            if (Pref is not null && Pref != "medium" && IsIPv6) spec.AddRange(["pref", Pref]);
            return spec;
        }
    }

    /// <summary>The words of `ip route delete ...` before "dev D".</summary>
    public IReadOnlyList<string> DeleteSpec
    {
        get
        {
            var spec = new List<string> { DstWord };
            if (Gateway is not null) spec.AddRange(["via", Gateway]);
            spec.AddRange(["metric", EffectiveMetric.ToString(CultureInfo.InvariantCulture)]);
            return spec;
        }
    }
}

/// <summary>One interface: its identity, link attributes, addresses and main-table routes.</summary>
public sealed record LinkState(
    int Index,
    string Name,
    string? Kind,
    string? Master,
    string? Mac,
    int Mtu,
    bool Up,
    IReadOnlyList<IpAddress> Addresses,
    IReadOnlyList<IpRoute> Routes)
{
    public bool IsBridge => Kind == "bridge";

    public IEnumerable<IpAddress> MovableAddresses => Addresses.Where(a => a.IsMovable);

    public IEnumerable<IpRoute> MovableRoutes => Routes.Where(r => !r.IsKernel);
}

/// <summary>The network as `ip` reports it: every link with its addresses and routes.</summary>
public sealed record NetState(IReadOnlyList<LinkState> Links)
{
    public LinkState? ByName(string name) => Links.FirstOrDefault(l => l.Name == name);

    public LinkState? ByIndex(int index) => Links.FirstOrDefault(l => l.Index == index);

    public IEnumerable<LinkState> PortsOf(string bridge) => Links.Where(l => l.Master == bridge);

    /// <summary>Reads the state with three `ip` queries.</summary>
    public static NetState Read(Net.INetworkRunner runner)
    {
        var links = runner.Query(["-j", "-d", "address", "show"]);
        var routes4 = runner.Query(["-j", "-4", "route", "show", "table", "main"]);
        var routes6 = runner.Query(["-j", "-6", "route", "show", "table", "main"]);
        return Parse(links, routes4, routes6);
    }

    /// <summary>Builds the state from `ip -j -d address show` and `ip -j [-4|-6] route show table main`.</summary>
    public static NetState Parse(string addressJson, string routes4Json, string routes6Json)
    {
        var routes = new List<(string Dev, IpRoute Route)>();
        ParseRoutes(routes4Json, "inet", routes);
        ParseRoutes(routes6Json, "inet6", routes);
        var links = new List<LinkState>();
        using var doc = JsonDocument.Parse(Clean(addressJson));
        foreach (var link in doc.RootElement.EnumerateArray())
        {
            var name = Str(link, "ifname");
            if (name is null) continue;
            var flags = link.TryGetProperty("flags", out var f) && f.ValueKind == JsonValueKind.Array
                ? f.EnumerateArray().Select(x => x.GetString()).ToList() : [];
            string? kind = null;
            if (link.TryGetProperty("linkinfo", out var info) && info.ValueKind == JsonValueKind.Object)
                kind = Str(info, "info_kind");
            var addresses = new List<IpAddress>();
            if (link.TryGetProperty("addr_info", out var ai) && ai.ValueKind == JsonValueKind.Array)
            {
                foreach (var a in ai.EnumerateArray())
                {
                    var family = Str(a, "family");
                    var local = Str(a, "local");
                    if (family is not ("inet" or "inet6") || local is null) continue;
                    var label = Str(a, "label");
                    string? suffix = label is not null && label != name && label.StartsWith(name, StringComparison.Ordinal) ? label[name.Length..] : null;
                    addresses.Add(new IpAddress(family, local, Int(a, "prefixlen") ?? (family == "inet" ? 32 : 128),
                        Str(a, "broadcast"), Str(a, "scope"), suffix, Bool(a, "noprefixroute"), Bool(a, "nodad"),
                        Long(a, "valid_life_time"), Long(a, "preferred_life_time")));
                }
            }
            links.Add(new LinkState(Int(link, "ifindex") ?? 0, name, kind, Str(link, "master"), Str(link, "address"),
                Int(link, "mtu") ?? 0, flags.Contains("UP"), addresses,
                routes.Where(r => r.Dev == name).Select(r => r.Route).ToList()));
        }
        return new NetState(links);
    }

    private static void ParseRoutes(string json, string family, List<(string, IpRoute)> into)
    {
        using var doc = JsonDocument.Parse(Clean(json));
        foreach (var r in doc.RootElement.EnumerateArray())
        {
            var dev = Str(r, "dev");
            var dst = Str(r, "dst");
            if (dev is null || dst is null) continue; // multipath, unreachable, blackhole: not through one device
            if (Str(r, "type") is { } type && type != "unicast") continue;
            var flags = r.TryGetProperty("flags", out var f) && f.ValueKind == JsonValueKind.Array
                ? f.EnumerateArray().Select(x => x.GetString()).ToList() : [];
            into.Add((dev, new IpRoute(family, dst, Str(r, "gateway"), Str(r, "protocol"), Str(r, "scope"), Str(r, "prefsrc"),
                Int(r, "metric"), flags.Contains("onlink"), Str(r, "pref"))));
        }
    }

    private static string Clean(string json) => string.IsNullOrWhiteSpace(json) ? "[]" : json;

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) ? v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Number => v.GetRawText(),
            _ => null,
        } : null;

    private static int? Int(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : null;

    private static long? Long(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var i) ? i : null;

    private static bool Bool(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;
}
