using System.Text.Json;

namespace XenHotplug.Core.Network;

/// <summary>The network as `ip` reports it (the host observes it: NetStateReader): links with their addresses and routes.</summary>
public sealed record NetState(IReadOnlyList<LinkState> Links)
{
    /// <summary>Links that carry vif-multibridge's mark (alias xen-vif-D.V): guest vifs it renamed.</summary>
    public IReadOnlySet<string> GuestMarks { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    public LinkState? ByName(string name) => Links.FirstOrDefault(l => l.Name == name);

    public LinkState? ByIndex(int index) => Links.FirstOrDefault(l => l.Index == index);

    public IEnumerable<LinkState> PortsOf(string bridge) => Links.Where(l => l.Master == bridge);

    /// <summary>Builds the state from `ip -j -d address show` and `ip -j [-4|-6] route show table main`.</summary>
    public static NetState Parse(string addressJson, string routes4Json, string routes6Json)
    {
        var routes = new List<(string Dev, IpRoute Route)>();
        ParseRoutes(routes4Json, "inet", routes);
        ParseRoutes(routes6Json, "inet6", routes);
        var links = new List<LinkState>();
        var marks = new HashSet<string>(StringComparer.Ordinal);
        using var doc = JsonDocument.Parse(Clean(addressJson));
        foreach (var link in doc.RootElement.EnumerateArray())
        {
            var name = Str(link, "ifname");
            if (name is null) continue;
            if (Str(link, "ifalias") is { } alias && alias.StartsWith(GuestPorts.AliasPrefix, StringComparison.Ordinal)) marks.Add(name);
            var flags = link.TryGetProperty("flags", out var f) && f.ValueKind == JsonValueKind.Array
                ? f.EnumerateArray().Select(x => x.GetString()).ToList() : [];
            string? kind = null;
            JsonElement data = default, slaveData = default;
            if (link.TryGetProperty("linkinfo", out var info) && info.ValueKind == JsonValueKind.Object)
            {
                kind = Str(info, "info_kind");
                if (info.TryGetProperty("info_data", out var d) && d.ValueKind == JsonValueKind.Object) data = d;
                if (Str(info, "info_slave_kind") == "bond" && info.TryGetProperty("info_slave_data", out var sd) && sd.ValueKind == JsonValueKind.Object)
                    slaveData = sd;
            }
            var isSlave = slaveData.ValueKind == JsonValueKind.Object;
            var hasData = data.ValueKind == JsonValueKind.Object;
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
                routes.Where(r => r.Dev == name).Select(r => r.Route).ToList())
            {
                VlanParent = kind == "vlan" ? Str(link, "link") : null,
                VlanId = kind == "vlan" && hasData ? Int(data, "id") : null,
                VlanFiltering = kind == "bridge" && hasData && Int(data, "vlan_filtering") == 1,
                DefaultPvid = kind == "bridge" && hasData ? Int(data, "vlan_default_pvid") : null,
                BondMode = kind == "bond" && hasData ? Str(data, "mode") : null,
                SlaveState = isSlave ? Str(slaveData, "state") : null,
                SlaveMii = isSlave ? Str(slaveData, "mii_status") : null,
            });
        }
        return new NetState(links) { GuestMarks = marks };
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
