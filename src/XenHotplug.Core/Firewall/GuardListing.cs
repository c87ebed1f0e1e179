using System.Globalization;
using System.Text;
using System.Text.Json;

namespace XenHotplug.Core.Firewall;

/// <summary>
/// The guarded vifs read from `nft -j list table bridge xen_multibridge` (the map's elements, each one's chain,
/// its rules and their counters), and how `network-multibridge status --firewall` prints them.
/// </summary>
public static class GuardListing
{
    public static IReadOnlyList<GuardedVif> Parse(string nftJson) => Parse([nftJson]);

    /// <summary>The same from several listings (the map's, then each chain's), read as one.</summary>
    public static IReadOnlyList<GuardedVif> Parse(IReadOnlyList<string> nftJsons)
    {
        var documents = nftJsons.Select(j => JsonDocument.Parse(j)).ToList();
        try
        {
            return Parse(documents.SelectMany(d => d.RootElement.GetProperty("nftables").EnumerateArray()));
        }
        finally
        {
            foreach (var d in documents) d.Dispose();
        }
    }

    private static List<GuardedVif> Parse(IEnumerable<JsonElement> items)
    {
        var elements = new List<(string Interface, string Chain)>();
        var rules = new Dictionary<string, (int Count, long Dropped, bool Ip)>(StringComparer.Ordinal);
        var byReason = new Dictionary<string, Dictionary<string, long>>(StringComparer.Ordinal);
        var dhcp = new HashSet<string>(StringComparer.Ordinal);
        var learnt = new Dictionary<string, List<(string, long)>>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            if (item.TryGetProperty("map", out var map) && Text(map, "name") == AntispoofRules.Map && map.TryGetProperty("elem", out var elem))
            {
                foreach (var pair in elem.EnumerateArray())
                {
                    if (pair.ValueKind != JsonValueKind.Array || pair.GetArrayLength() != 2) continue;
                    var key = pair[0].ValueKind == JsonValueKind.String ? pair[0].GetString() : null;
                    var target = pair[1].TryGetProperty("jump", out var jump) ? Text(jump, "target") : null;
                    if (key is not null && target is not null) elements.Add((key, target));
                }
            }
            else if (item.TryGetProperty("set", out var set) && Text(set, "name") is { } setName && setName.StartsWith(AntispoofRules.ChainPrefix, StringComparison.Ordinal)
                && setName.EndsWith("_dhcp", StringComparison.Ordinal) && set.TryGetProperty("elem", out var setElements))
            {
                var list = new List<(string, long)>();
                foreach (var e in setElements.EnumerateArray())
                {
                    if (e.ValueKind == JsonValueKind.Object && e.TryGetProperty("elem", out var timed) && Text(timed, "val") is { } address)
                        list.Add((address, timed.TryGetProperty("expires", out var expires) && expires.TryGetInt64(out var left) ? left : 0));
                    else if (e.ValueKind == JsonValueKind.String) list.Add((e.GetString()!, 0));
                }
                learnt[setName[..^"_dhcp".Length]] = list;
            }
            else if (item.TryGetProperty("rule", out var rule) && Text(rule, "chain") is { } chain && chain.StartsWith(AntispoofRules.ChainPrefix, StringComparison.Ordinal))
            {
                var (count, dropped, ip) = rules.GetValueOrDefault(chain);
                var comment = Text(rule, "comment") ?? "";
                long packets = 0;
                var drops = false;
                if (rule.TryGetProperty("expr", out var expr))
                {
                    foreach (var e in expr.EnumerateArray())
                    {
                        if (e.TryGetProperty("counter", out var counter) && counter.ValueKind == JsonValueKind.Object && counter.TryGetProperty("packets", out var p)) packets = p.GetInt64();
                        if (e.TryGetProperty("drop", out _)) drops = true;
                    }
                }
                rules[chain] = (count + 1, dropped + (drops ? packets : 0), ip || comment.Contains("IPv4", StringComparison.Ordinal));
                if (comment == "learnt from DHCP") dhcp.Add(chain);
                if (drops)
                {
                    if (!byReason.TryGetValue(chain, out var reasons)) byReason[chain] = reasons = NoDrops();
                    reasons[Reason(comment)] += packets;
                }
            }
        }
        return elements
            .Select(e => rules.TryGetValue(e.Chain, out var r)
                ? new GuardedVif(e.Interface, e.Chain, dhcp.Contains(e.Chain) ? "dhcp" : r.Ip ? "ip" : "mac", r.Count, r.Dropped)
                {
                    Drops = byReason.GetValueOrDefault(e.Chain) ?? NoDrops(),
                    Learnt = learnt.GetValueOrDefault(e.Chain) ?? [],
                }
                : new GuardedVif(e.Interface, e.Chain, "?", 0, 0) { Drops = NoDrops() })
            .OrderBy(g => g.Interface, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The reasons drops are counted by, in the order status prints them, and the words it prints them with.</summary>
    public static IReadOnlyList<(string Key, string Words)> Reasons { get; } =
        [("forged", "forged source"), ("rogue_ra", "rogue RA"), ("rogue_dhcp", "rogue DHCP"), ("vlan", "other VLAN")];

    /// <summary>The reason a drop rule counts for, by its comment: VLAN tags, rogue routers, rogue DHCP servers, else a forgery.</summary>
    public static string Reason(string comment) =>
        comment.StartsWith("VLAN tag", StringComparison.Ordinal) ? "vlan"
        : comment is AntispoofRules.RogueRouterAdvert or AntispoofRules.RogueRedirect or AntispoofRules.RogueIcmpRedirect ? "rogue_ra"
        : comment is AntispoofRules.RogueDhcp or AntispoofRules.RogueDhcp6 ? "rogue_dhcp"
        : "forged";

    private static Dictionary<string, long> NoDrops() => Reasons.ToDictionary(r => r.Key, _ => 0L, StringComparer.Ordinal);

    /// <summary>What status says of a dormant table: one line, first.</summary>
    public const string DormantLine = $"antispoof: table {AntispoofRules.Family} {AntispoofRules.Table} is dormant: its guards are NOT enforced (the next guarded online wakes it)\n";

    /// <summary>A table: interface, the bridge it is on now (or "(no device)"), mode, rules, packets dropped; a dormant table said first.</summary>
    public static string RenderTable(IReadOnlyList<GuardedVif> guards, Func<string, string?> bridgeOf, bool dormant = false)
    {
        var warning = dormant ? DormantLine : "";
        if (guards.Count == 0) return warning + $"antispoof: no vif is guarded (table {AntispoofRules.Family} {AntispoofRules.Table})\n";
        var text = new StringBuilder(warning + $"antispoof: {guards.Count.ToString(CultureInfo.InvariantCulture)} guarded vif(s), table {AntispoofRules.Family} {AntispoofRules.Table}\n");
        text.Append(CultureInfo.InvariantCulture, $"{"VIF",-16}{"BRIDGE",-16}{"MODE",-6}{"RULES",6}{"DROPPED",10}\n");
        foreach (var g in guards)
        {
            text.Append(CultureInfo.InvariantCulture, $"{g.Interface,-16}{bridgeOf(g.Interface) ?? "(no device)",-16}{g.Mode,-6}{g.Rules,6}{g.Dropped,10}\n");
            if (g.Dropped > 0)
                text.Append("  dropped: ").AppendJoin(", ", Reasons.Select(r => $"{r.Words} {g.Drops.GetValueOrDefault(r.Key).ToString(CultureInfo.InvariantCulture)}")).Append('\n');
            if (g.Mode == "dhcp")
            {
                text.Append("  learnt: ").Append(g.Learnt.Count == 0 ? "none"
                    : string.Join(", ", g.Learnt.Select(l => $"{l.Address} (expires in {l.Expires.ToString(CultureInfo.InvariantCulture)} s)"))).Append('\n');
            }
        }
        return text.ToString();
    }

    /// <summary>The same as JSON: {"enforced":..,"guarded":[{"vif":..,"bridge":..,"mode":..,"rules":..,"dropped":..}]}.</summary>
    public static string RenderJson(IReadOnlyList<GuardedVif> guards, Func<string, string?> bridgeOf, bool dormant = false)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteBoolean("enforced", !dormant);
            json.WriteStartArray("guarded");
            foreach (var g in guards)
            {
                json.WriteStartObject();
                json.WriteString("vif", g.Interface);
                json.WriteString("bridge", bridgeOf(g.Interface));
                json.WriteString("mode", g.Mode);
                json.WriteString("chain", g.Chain);
                json.WriteNumber("rules", g.Rules);
                json.WriteNumber("dropped", g.Dropped);
                json.WriteStartObject("drops");
                foreach (var (key, _) in Reasons) json.WriteNumber(key, g.Drops.GetValueOrDefault(key));
                json.WriteEndObject();
                json.WriteStartArray("learnt");
                foreach (var (address, expires) in g.Learnt)
                {
                    json.WriteStartObject();
                    json.WriteString("address", address);
                    json.WriteNumber("expires", expires);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static string? Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
