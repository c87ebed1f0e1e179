using XenHotplug.Core.Firewall;

namespace XenHotplug.Tests.Firewall;

public class GuardListingTests
{
    // Trimmed from `nft -j list table bridge xen_multibridge` (nft 1.0.6) with two guarded vifs.
    private const string Json = """
        {"nftables": [{"metainfo": {"version": "1.0.6", "json_schema_version": 1}},
        {"table": {"family": "bridge", "name": "xen_multibridge", "handle": 1}},
        {"map": {"family": "bridge", "name": "guarded", "table": "xen_multibridge", "type": "ifname", "handle": 2, "map": "verdict",
          "elem": [["vif2.0", {"jump": {"target": "vif_vif2_2e0"}}], ["vif1.0", {"jump": {"target": "vif_vif1_2e0"}}]]}},
        {"chain": {"family": "bridge", "table": "xen_multibridge", "name": "prerouting", "handle": 1, "type": "filter", "hook": "prerouting", "prio": -200, "policy": "accept"}},
        {"rule": {"family": "bridge", "table": "xen_multibridge", "chain": "prerouting", "handle": 3, "expr": [{"vmap": {"key": {"meta": {"key": "iifname"}}, "data": "@guarded"}}]}},
        {"rule": {"family": "bridge", "table": "xen_multibridge", "chain": "vif_vif1_2e0", "handle": 5, "comment": "source MAC",
          "expr": [{"match": {"op": "!=", "left": {"payload": {"protocol": "ether", "field": "saddr"}}, "right": "00:16:3e:00:01:00"}}, {"counter": {"packets": 3, "bytes": 294}}, {"drop": null}]}},
        {"rule": {"family": "bridge", "table": "xen_multibridge", "chain": "vif_vif1_2e0", "handle": 6, "comment": "IPv4 source",
          "expr": [{"counter": {"packets": 4, "bytes": 392}}, {"drop": null}]}},
        {"rule": {"family": "bridge", "table": "xen_multibridge", "chain": "vif_vif1_2e0", "handle": 7, "expr": [{"accept": null}]}},
        {"rule": {"family": "bridge", "table": "xen_multibridge", "chain": "vif_vif2_2e0", "handle": 8, "comment": "source MAC",
          "expr": [{"counter": {"packets": 0, "bytes": 0}}, {"drop": null}]}}]}
        """;

    [Fact]
    public void Reads_each_guarded_vif_with_its_mode_rules_and_drops()
    {
        var guards = GuardListing.Parse(Json);
        Assert.Equal(
        [
            ("vif1.0", "vif_vif1_2e0", "ip", 3, 7L),
            ("vif2.0", "vif_vif2_2e0", "mac", 1, 0L),
        ], guards.Select(Core));
    }

    [Fact]
    public void Table_shows_the_bridge_or_that_the_device_is_gone()
    {
        var text = GuardListing.RenderTable(GuardListing.Parse(Json), vif => vif == "vif1.0" ? "xenbr0" : null);
        Assert.Contains("2 guarded vif(s)", text, StringComparison.Ordinal);
        Assert.Matches(@"vif1\.0\s+xenbr0\s+ip\s+3\s+7\n", text);
        Assert.Matches(@"vif2\.0\s+\(no device\)\s+mac\s+1\s+0\n", text);
        Assert.Contains("no vif is guarded", GuardListing.RenderTable([], _ => null), StringComparison.Ordinal);
        Assert.Contains("\"dropped\": 7", GuardListing.RenderJson(GuardListing.Parse(Json), _ => "xenbr0"), StringComparison.Ordinal);
    }

    [Fact]
    public void Listings_of_the_map_and_each_chain_read_as_the_table_does()
    {
        // What status reads for a dormant table, whose `nft -j list table` nft 1.0.6 cannot write as JSON.
        const string map = """{"nftables": [{"map": {"family": "bridge", "name": "guarded", "table": "xen_multibridge", "elem": [["web0", {"jump": {"target": "vif_vif1_2e0"}}]]}}]}""";
        const string chain = """{"nftables": [{"chain": {"name": "vif_vif1_2e0"}}, {"rule": {"chain": "vif_vif1_2e0", "comment": "IPv4 source", "expr": [{"counter": {"packets": 2, "bytes": 1}}, {"drop": null}]}}]}""";
        Assert.Equal([("web0", "vif_vif1_2e0", "ip", 1, 2L)], GuardListing.Parse([map, chain]).Select(Core));
    }

    /// <summary>The record without its collections (which compare by reference).</summary>
    private static (string, string, string, int, long) Core(GuardedVif g) => (g.Interface, g.Chain, g.Mode, g.Rules, g.Dropped);

    [Fact]
    public void Drops_are_counted_by_reason_and_a_dhcp_guard_lists_what_it_learnt_with_the_time_left()
    {
        const string json = """
            {"nftables": [
            {"map": {"family": "bridge", "name": "guarded", "table": "xen_multibridge", "elem": [["vif3.0", {"jump": {"target": "vif_vif3_2e0"}}]]}},
            {"set": {"family": "bridge", "name": "vif_vif3_2e0_dhcp", "table": "xen_multibridge", "type": "ipv4_addr", "flags": ["timeout"],
              "elem": [{"elem": {"val": "192.0.2.60", "timeout": 600, "expires": 590}}]}},
            {"rule": {"chain": "vif_vif3_2e0", "comment": "VLAN tag 8021q: no VLANs on this vif", "expr": [{"counter": {"packets": 1, "bytes": 1}}, {"drop": null}]}},
            {"rule": {"chain": "vif_vif3_2e0", "comment": "rogue router advertisement", "expr": [{"counter": {"packets": 2, "bytes": 1}}, {"drop": null}]}},
            {"rule": {"chain": "vif_vif3_2e0", "comment": "rogue ICMP redirect", "expr": [{"counter": {"packets": 5, "bytes": 1}}, {"drop": null}]}},
            {"rule": {"chain": "vif_vif3_2e0", "comment": "rogue DHCP server", "expr": [{"counter": {"packets": 3, "bytes": 1}}, {"drop": null}]}},
            {"rule": {"chain": "vif_vif3_2e0", "comment": "learnt from DHCP", "expr": [{"accept": null}]}},
            {"rule": {"chain": "vif_vif3_2e0", "comment": "IPv4 source", "expr": [{"counter": {"packets": 4, "bytes": 1}}, {"drop": null}]}}]}
            """;
        var g = Assert.Single(GuardListing.Parse(json));
        Assert.Equal(("dhcp", 15L), (g.Mode, g.Dropped));
        Assert.Equal([("forged", 4L), ("rogue_ra", 7L), ("rogue_dhcp", 3L), ("vlan", 1L)], GuardListing.Reasons.Select(r => (r.Key, g.Drops[r.Key])));
        Assert.Equal([("192.0.2.60", 590L)], g.Learnt);
        var text = GuardListing.RenderTable([g], _ => "xenbr0");
        Assert.Contains("  dropped: forged source 4, rogue RA 7, rogue DHCP 3, other VLAN 1\n", text, StringComparison.Ordinal);
        Assert.Contains("  learnt: 192.0.2.60 (expires in 590 s)\n", text, StringComparison.Ordinal);
        var jsonOut = GuardListing.RenderJson([g], _ => "xenbr0");
        Assert.Contains("\"rogue_dhcp\": 3", jsonOut, StringComparison.Ordinal);
        Assert.Contains("\"address\": \"192.0.2.60\"", jsonOut, StringComparison.Ordinal);
    }

    [Fact]
    public void A_dormant_table_is_said_first_and_in_the_json()
    {
        var text = GuardListing.RenderTable(GuardListing.Parse(Json), _ => "xenbr0", dormant: true);
        Assert.StartsWith("antispoof: table bridge xen_multibridge is dormant: its guards are NOT enforced", text, StringComparison.Ordinal);
        Assert.StartsWith("antispoof: table bridge xen_multibridge is dormant", GuardListing.RenderTable([], _ => null, dormant: true), StringComparison.Ordinal);
        Assert.Contains("\"enforced\": false", GuardListing.RenderJson([], _ => null, dormant: true), StringComparison.Ordinal);
        Assert.Contains("\"enforced\": true", GuardListing.RenderJson([], _ => null), StringComparison.Ordinal);
        Assert.DoesNotContain("dormant", GuardListing.RenderTable([], _ => null), StringComparison.Ordinal);
    }
}
