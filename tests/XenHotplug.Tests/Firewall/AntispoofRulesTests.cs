using XenHotplug.Core.Configuration;
using XenHotplug.Core.Failures;
using XenHotplug.Core.Firewall;
using XenHotplug.Tests.Support;

namespace XenHotplug.Tests.Firewall;

public class AntispoofRulesTests
{
    private static VifGuard Guard(AntispoofMode mode, string ip = "192.0.2.50", string name = "vif1.0", string mac = "00:16:3E:00:01:00") =>
        VifGuard.Create(mode, name, mac, ip, "backend/vif/1/0");

    [Theory]
    [InlineData("vif1.0", "vif_vif1_2e0")]
    [InlineData("vif1.0-emu", "vif_vif1_2e0_2demu")]
    [InlineData("web_0", "vif_web_5f0")]
    [InlineData("web0", "vif_web0")]
    public void Chain_names_escape_everything_but_letters_and_digits_and_decode_back(string name, string chain)
    {
        Assert.Equal(chain, AntispoofRules.ChainName(name));
        Assert.Equal(name, AntispoofRules.InterfaceOf(chain));
    }

    [Fact]
    public void Chain_names_of_distinct_interfaces_never_collide()
    {
        Assert.NotEqual(AntispoofRules.ChainName("a.b"), AntispoofRules.ChainName("a_2eb"));
        Assert.Null(AntispoofRules.InterfaceOf("prerouting"));
    }

    [Fact]
    public void Mac_mode_drops_tags_then_checks_the_source_mac_the_arp_sender_and_nd_link_layer_options()
    {
        var rules = AntispoofRules.Rules(Guard(AntispoofMode.Mac)).Select(r => r.Listing).ToList();
        Assert.Equal("ether type 8021q counter drop comment \"VLAN tag 8021q: no VLANs on this vif\"", rules[0]);
        Assert.Equal("ether type 8021ad counter drop comment \"VLAN tag 8021ad: no VLANs on this vif\"", rules[1]);
        Assert.Equal("ether type 0x9100 counter drop comment \"VLAN tag 0x9100: no VLANs on this vif\"", rules[2]);
        Assert.Equal("ether saddr != 00:16:3e:00:01:00 counter drop comment \"source MAC\"", rules[3]);
        Assert.Equal("arp saddr ether != 00:16:3e:00:01:00 counter drop comment \"ARP sender MAC\"", rules[4]);
        Assert.Contains("icmpv6 type nd-neighbor-advert @th,192,8 0x2 @th,208,48 != 0x163e000100 counter drop comment \"NA target link-layer address\"", rules);
        Assert.Contains("icmpv6 type nd-neighbor-solicit @th,192,8 0x1 @th,208,48 != 0x163e000100 counter drop comment \"NS source link-layer address\"", rules);
        Assert.Contains("icmpv6 type nd-router-solicit @th,64,8 0x1 @th,80,48 != 0x163e000100 counter drop comment \"RS source link-layer address\"", rules);
        Assert.Contains("icmpv6 type nd-neighbor-advert ip6 length != 24 ip6 length != 32 counter drop", rules);
        Assert.Equal(14, rules.Count);
    }

    [Theory]
    [InlineData(AntispoofMode.Mac)]
    [InlineData(AntispoofMode.Ip)]
    public void Every_mode_drops_tagged_frames_before_anything_is_accepted(AntispoofMode mode)
    {
        var rules = AntispoofRules.Rules(Guard(mode));
        foreach (var (type, i) in new ushort[] { 0x8100, 0x88a8, 0x9100 }.Select((t, i) => (t, i)))
        {
            Assert.Equal(["NftPayloadLoad Link 12 2", $"NftCompare True {type:x4}", "NftCounter", "NftImmediateVerdict False"], rules[i].Expressions.Select(Describe));
        }
        var firstAccept = rules.ToList().FindIndex(r => r.Expressions[^1] is NftImmediateVerdict { Accept: true });
        Assert.True(firstAccept is -1 or > 2);
    }

    [Fact]
    public void NA_target_option_is_the_option_after_the_target_address_and_compared_to_the_mac()
    {
        var rule = AntispoofRules.Rules(Guard(AntispoofMode.Mac)).Single(r => r.Comment == "NA target link-layer address");
        Assert.Equal(
            ["NftPayloadLoad Link 12 2", "NftCompare True 86dd", "NftMetaLoad 16", "NftCompare True 3a", "NftPayloadLoad Transport 0 1", "NftCompare True 88",
             "NftPayloadLoad Transport 24 1", "NftCompare True 02", "NftPayloadLoad Transport 26 6", "NftCompare False 00163e000100", "NftCounter", "NftImmediateVerdict False"],
            rule.Expressions.Select(Describe));
    }

    [Fact]
    public void Rules_are_the_expressions_nft_generates_for_them()
    {
        // `nft --debug=netlink` of `ether saddr != 00:16:3e:00:01:00 counter drop` and of `arp saddr ether != ...`.
        var rules = AntispoofRules.Rules(Guard(AntispoofMode.Mac));
        byte[] mac = [0x00, 0x16, 0x3e, 0x00, 0x01, 0x00];
        Assert.Equal(
            ["NftPayloadLoad Link 6 6", "NftCompare False 00163e000100", "NftCounter", "NftImmediateVerdict False"],
            rules[3].Expressions.Select(Describe));
        Assert.Equal(
            ["NftPayloadLoad Link 12 2", "NftCompare True 0806", "NftPayloadLoad Network 8 6", "NftCompare False 00163e000100", "NftCounter", "NftImmediateVerdict False"],
            rules[4].Expressions.Select(Describe));
        Assert.Equal(
            ["NftMetaLoad 6", "NftVerdictLookup guarded"],
            AntispoofRules.Dispatch.Expressions.Select(Describe));
        Assert.Equal(mac, ((NftCompare)rules[3].Expressions[1]).Data);
    }

    [Fact]
    public void Ip_mode_drops_rogue_routers_and_dhcp_servers_before_anything_is_accepted()
    {
        var rules = AntispoofRules.Rules(Guard(AntispoofMode.Ip)).ToList();
        var listings = rules.Select(r => r.Listing).ToList();
        var firstAccept = rules.FindIndex(r => r.Expressions[^1] is NftImmediateVerdict { Accept: true });
        string[] rogue =
        [
            "icmpv6 type nd-router-advert counter drop comment \"rogue router advertisement\"",
            "icmpv6 type nd-redirect counter drop comment \"rogue redirect\"",
            "icmp type redirect counter drop comment \"rogue ICMP redirect\"",
            "ether type ip udp sport 67 counter drop comment \"rogue DHCP server\"",
            "ether type ip6 udp sport 547 counter drop comment \"rogue DHCPv6 server\"",
        ];
        foreach (var r in rogue) Assert.InRange(listings.IndexOf(r), 0, firstAccept - 1);
        Assert.Equal(
            ["NftPayloadLoad Link 12 2", "NftCompare True 86dd", "NftMetaLoad 16", "NftCompare True 11", "NftPayloadLoad Transport 0 2", "NftCompare True 0223", "NftCounter", "NftImmediateVerdict False"],
            rules.Single(r => r.Comment == "rogue DHCPv6 server").Expressions.Select(Describe));
        Assert.Equal(
            ["NftPayloadLoad Link 12 2", "NftCompare True 0800", "NftMetaLoad 16", "NftCompare True 01", "NftPayloadLoad Transport 0 1", "NftCompare True 05", "NftCounter", "NftImmediateVerdict False"],
            rules.Single(r => r.Comment == "rogue ICMP redirect").Expressions.Select(Describe));
        // mac mode guards the MAC only: a guest's services are ip mode's business.
        Assert.DoesNotContain(AntispoofRules.Rules(Guard(AntispoofMode.Mac)), r => r.Comment is { } c && c.StartsWith("rogue", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(true, false, new[] { "rogue DHCP server", "rogue DHCPv6 server" })]
    [InlineData(false, true, new[] { "rogue router advertisement", "rogue redirect", "rogue ICMP redirect" })]
    [InlineData(true, true, new string[] { })]
    public void Allow_router_and_allow_dhcp_server_leave_out_their_rules(bool router, bool dhcp, string[] kept)
    {
        var guard = Guard(AntispoofMode.Ip) with { AllowRouter = router, AllowDhcpServer = dhcp };
        Assert.Equal(kept, AntispoofRules.Rules(guard).Select(r => r.Comment).Where(c => c is not null && c.StartsWith("rogue", StringComparison.Ordinal)));
    }

    [Fact]
    public void Dhcp_mode_accepts_the_learnt_set_forgets_on_release_and_learns_acks_from_trusted_ports_only()
    {
        var guard = VifGuard.Create(AntispoofMode.Dhcp, "vif1.0", "00:16:3e:00:01:00", null, "backend/vif/1/0") with { DhcpServerPorts = ["eth0"], LearnTimeout = 600 };
        var listings = AntispoofRules.Rules(guard).Select(r => r.Listing).ToList();
        var client = listings.FindIndex(l => l.EndsWith("comment \"DHCP client\"", StringComparison.Ordinal));
        Assert.Equal("udp sport 68 udp dport 67 @th,1984,24 0x350107 delete @vif_vif1_2e0_dhcp { ip saddr } comment \"DHCP release: forget\"", listings[client + 1]);
        Assert.Equal("ip saddr @vif_vif1_2e0_dhcp accept comment \"learnt from DHCP\"", listings[client + 2]);
        Assert.Equal("ether type ip counter drop comment \"no IPv4 address learnt or in ip=\"", listings[client + 3]);
        Assert.Contains("arp saddr ip @vif_vif1_2e0_dhcp accept comment \"learnt from DHCP\"", listings);
        Assert.Contains("ether type ip udp sport 67 counter drop comment \"rogue DHCP server\"", listings);

        var learn = AntispoofRules.LearnRule(guard);
        Assert.Equal("iifname @dhcp_servers ether type ip udp sport 67 udp dport 68 @th,288,48 0x163e000100 @th,1984,24 0x350105 counter update @vif_vif1_2e0_dhcp { @th,192,32 timeout 600s }", learn.Text);
        Assert.Equal(new NftDynset("vif_vif1_2e0_dhcp", false, 600_000), learn.Expressions[^1]);
        Assert.Equal(new NftPayloadLoad(NftPayloadBase.Transport, 24, 4), learn.Expressions[^2]); // yiaddr

        var ops = AntispoofRules.Install(guard);
        Assert.Contains(new NftAddBaseChain("forward", 2, -200), ops);
        Assert.Contains(ops, o => o is NftAddIfnameElements { Set: "dhcp_servers" } e && e.Names.SequenceEqual(["eth0"]));
        Assert.DoesNotContain(ops, o => o is NftFlushSet { Set: "vif_vif1_2e0_dhcp" }); // a repeated online keeps what was learnt
        Assert.Contains(new NftAddJumpElement("learning", "vif1.0", "learn_vif1_2e0"), ops);
        Assert.True(ops.ToList().FindIndex(o => o is NftAddLearntSet) < ops.ToList().FindIndex(o => o is NftAddRule { Chain: "vif_vif1_2e0" }));
        Assert.DoesNotContain(AntispoofRules.Install(Guard(AntispoofMode.Ip)), o => o is NftAddLearntSet or NftAddBaseChain { Chain: "forward" });
    }

    [Fact]
    public void Removing_with_learning_takes_the_learning_chain_element_and_set_with_the_same_proof()
    {
        var ops = AntispoofRules.Remove("vif1.0", ["vif1.0"], learning: true).Select(o => o.Text).ToList();
        int At(string text) => ops.IndexOf(text);
        Assert.True(At("add element bridge xen_multibridge learning { \"vif1.0\" : jump learn_vif1_2e0 }") < At("delete element bridge xen_multibridge learning { \"vif1.0\" }"));
        Assert.True(At("flush chain bridge xen_multibridge learn_vif1_2e0") < At("delete set bridge xen_multibridge vif_vif1_2e0_dhcp"));
        Assert.True(At("flush chain bridge xen_multibridge vif_vif1_2e0") < At("delete set bridge xen_multibridge vif_vif1_2e0_dhcp"));
        Assert.True(At("delete set bridge xen_multibridge vif_vif1_2e0_dhcp") < At("delete chain bridge xen_multibridge learn_vif1_2e0"));
        Assert.DoesNotContain(AntispoofRules.Remove("vif1.0", ["vif1.0"]), o => o.Text.Contains("learn", StringComparison.Ordinal));
    }

    [Fact]
    public void Dhcp_mode_needs_a_declared_uplink_to_learn_from()
    {
        var none = TestConfig.Load("[policy]\nantispoof = dhcp\n[bridge:xenbr0]\n");
        Assert.Contains("no [bridge:NAME] declares an uplink", Assert.Throws<HotplugException>(() => DhcpLearning.RequireServerPorts(none)).Message, StringComparison.Ordinal);
        var legacy = TestConfig.Load("[network]\nnaming = legacy\n[bridge:eth0]\nuplink = eth0\n[bridge:xenbr1]\nuplink = eth1\n");
        Assert.Equal(["peth0", "peth1"], DhcpLearning.ServerPorts(legacy));
    }

    [Fact]
    public void An_allow_list_is_one_inverted_lookup_in_the_nics_interval_set()
    {
        var rules = AntispoofRules.Rules(Guard(AntispoofMode.Ip, "192.0.2.50 172.16.0.0/12"));
        var source = rules.Single(r => r.Comment == "IPv4 source");
        Assert.Equal(
            ["NftPayloadLoad Link 12 2", "NftCompare True 0800", "NftPayloadLoad Network 12 4", "NftSetLookup vif_vif1_2e0_v4 True", "NftCounter", "NftImmediateVerdict False"],
            source.Expressions.Select(Describe));
        var arp = rules.Single(r => r.Comment == "ARP sender address");
        Assert.Equal("arp saddr ip != @vif_vif1_2e0_v4 counter drop", arp.Text);
    }

    [Fact]
    public void Two_hundred_addresses_are_still_one_rule_each_and_the_set_holds_them_all()
    {
        var ip = string.Join(' ', Enumerable.Range(0, 200).Select(i => $"10.{i / 250}.{i % 250}.{(i * 7 % 250) + 1}"));
        Assert.True(ip.Length < 4096);
        var guard = Guard(AntispoofMode.Ip, ip + " 2001:db8::/64");
        Assert.True(AntispoofRules.Rules(guard).All(r => r.Expressions.Count < 16));
        var v4 = AntispoofRules.Sets(guard).Single(s => s.Set == "vif_vif1_2e0_v4");
        Assert.Equal(200, v4.Shown.Count);
        Assert.Equal(401, v4.Elements.Count); // the zero end, then a start and an end per address
    }

    [Fact]
    public void Intervals_are_sorted_merged_and_end_after_their_last_address()
    {
        var e = AddressIntervals.Elements(["10.0.0.5", "10.0.0.0/30", "10.0.0.4", "192.0.2.0/24", "255.255.255.255"], 4)
            .Select(x => $"{string.Join('.', x.Key)}{(x.IntervalEnd ? " end" : "")}").ToList();
        Assert.Equal(["0.0.0.0 end", "10.0.0.0", "10.0.0.6 end", "192.0.2.0", "192.0.3.0 end", "255.255.255.255"], e);
        Assert.Equal(["0.0.0.0"], AddressIntervals.Elements(["0.0.0.0/0"], 4).Select(x => string.Join('.', x.Key)));
        var v6 = AddressIntervals.Elements(["2001:db8::/64"], 16);
        Assert.Equal(3, v6.Count);
        Assert.Equal(Convert.FromHexString("20010db8000000010000000000000000"), v6[2].Key);
    }

    [Fact]
    public void Ip_mode_allows_the_listed_addresses_the_link_local_and_dhcp_and_drops_the_rest()
    {
        var guard = Guard(AntispoofMode.Ip, "192.0.2.50 10.1.0.0/24, 2001:db8::/64");
        var rules = AntispoofRules.Rules(guard).Select(r => r.Listing).ToList();
        Assert.Contains(rules, r => r.StartsWith("arp saddr ip != @vif_vif1_2e0_v4 counter drop", StringComparison.Ordinal));
        Assert.Contains(rules, r => r.StartsWith("ip saddr != @vif_vif1_2e0_v4 counter drop", StringComparison.Ordinal));
        Assert.Contains(rules, r => r.StartsWith("ip saddr 0.0.0.0 ip daddr 255.255.255.255 udp sport 68 udp dport 67 accept", StringComparison.Ordinal));
        Assert.Contains(rules, r => r.StartsWith("ip6 saddr != @vif_vif1_2e0_v6 counter drop", StringComparison.Ordinal));
        Assert.Contains(rules, r => r.Contains("nd-neighbor-advert @th,64,128 != @vif_vif1_2e0_v6 counter drop", StringComparison.Ordinal));
        Assert.Equal(["fe80::216:3eff:fe00:100", "2001:db8::/64"], AntispoofRules.Sets(guard).Single(s => s.Set.EndsWith("_v6", StringComparison.Ordinal)).Shown);
        Assert.Equal(3, rules.Count(r => r.StartsWith("ip6 saddr :: icmpv6 type ", StringComparison.Ordinal)));
        Assert.StartsWith("counter drop", rules[^1], StringComparison.Ordinal);
        // the tag and MAC checks come first, before anything is accepted
        Assert.StartsWith("ether saddr != ", rules[3], StringComparison.Ordinal);
    }

    [Fact]
    public void Ip_mode_with_only_IPv6_drops_all_IPv4_but_dhcp_and_has_no_IPv4_set()
    {
        var guard = Guard(AntispoofMode.Ip, "2001:db8::5");
        var rules = AntispoofRules.Rules(guard).Select(r => r.Listing).ToList();
        Assert.Contains(rules, r => r.StartsWith("ether type ip counter drop", StringComparison.Ordinal));
        Assert.Contains(rules, r => r.StartsWith("ether type arp counter drop", StringComparison.Ordinal));
        Assert.Equal(["vif_vif1_2e0_v6"], AntispoofRules.Sets(guard).Select(s => s.Set));
        var lines = AntispoofRules.Text(AntispoofRules.Install(guard)).Split('\n');
        Assert.Contains("delete set bridge xen_multibridge vif_vif1_2e0_v4", lines); // a set an earlier online left goes
    }

    [Fact]
    public void Install_is_one_transaction_that_replaces_the_owners_chain_and_adds_the_element_of_its_interface()
    {
        var guard = VifGuard.Create(AntispoofMode.Ip, "web0", "00:16:3e:00:01:00", "192.0.2.50", "backend/vif/1/0", "vif1.0");
        var lines = AntispoofRules.Text(AntispoofRules.Install(guard)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("add table bridge xen_multibridge", lines[0]);
        Assert.Contains("add chain bridge xen_multibridge prerouting { type filter hook prerouting priority filter; policy accept; }", lines);
        Assert.Contains("flush chain bridge xen_multibridge prerouting", lines);
        Assert.Single(lines, l => l == "add rule bridge xen_multibridge prerouting iifname vmap @guarded");
        Assert.Contains("flush chain bridge xen_multibridge vif_vif1_2e0", lines);
        Assert.Contains("add set bridge xen_multibridge vif_vif1_2e0_v4 { type ipv4_addr; flags interval; }", lines);
        Assert.Contains("flush set bridge xen_multibridge vif_vif1_2e0_v4", lines);
        Assert.Contains("add element bridge xen_multibridge vif_vif1_2e0_v4 { 192.0.2.50 }", lines);
        Assert.Equal("add element bridge xen_multibridge guarded { \"web0\" : jump vif_vif1_2e0 }", lines[^1]);
        Assert.All(lines, l => Assert.Contains("bridge xen_multibridge", l, StringComparison.Ordinal));
    }

    [Fact]
    public void Remove_declares_every_element_as_a_jump_to_the_owners_chain_before_deleting_it()
    {
        var lines = AntispoofRules.Text(AntispoofRules.Remove("vif3.0", ["web0"])).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(
        [
            "add chain bridge xen_multibridge vif_vif3_2e0",
            "add element bridge xen_multibridge guarded { \"web0\" : jump vif_vif3_2e0 }",
            "delete element bridge xen_multibridge guarded { \"web0\" }",
            "flush chain bridge xen_multibridge vif_vif3_2e0",
            "add set bridge xen_multibridge vif_vif3_2e0_v4 { type ipv4_addr; flags interval; }",
            "delete set bridge xen_multibridge vif_vif3_2e0_v4",
            "add set bridge xen_multibridge vif_vif3_2e0_v6 { type ipv6_addr; flags interval; }",
            "delete set bridge xen_multibridge vif_vif3_2e0_v6",
            "delete chain bridge xen_multibridge vif_vif3_2e0",
        ], lines[3..]);
        Assert.DoesNotContain(lines, l => l.Contains("flush chain bridge xen_multibridge prerouting", StringComparison.Ordinal));
    }

    private static string Describe(NftExpr e) => e switch
    {
        NftPayloadLoad p => $"NftPayloadLoad {p.Base} {p.Offset} {p.Length}",
        NftCompare c => $"NftCompare {c.Equal} {Convert.ToHexStringLower([.. c.Data])}",
        NftMask m => $"NftMask {Convert.ToHexStringLower([.. m.Mask])}",
        NftMetaLoad m => $"NftMetaLoad {m.Key}",
        NftVerdictLookup l => $"NftVerdictLookup {l.Map}",
        NftSetLookup l => $"NftSetLookup {l.Set} {l.Invert}",
        NftImmediateVerdict v => $"NftImmediateVerdict {v.Accept}",
        _ => e.GetType().Name,
    };

    [Fact]
    public void Guard_needs_a_mac_and_for_ip_mode_an_address()
    {
        Assert.Contains("mac is not set", Assert.Throws<HotplugException>(() => VifGuard.Create(AntispoofMode.Mac, "vif1.0", null, null, "backend/vif/1/0")).Message, StringComparison.Ordinal);
        Assert.Contains("invalid MAC", Assert.Throws<HotplugException>(() => VifGuard.Create(AntispoofMode.Mac, "vif1.0", "00:16:3e:00:01", null, "backend/vif/1/0")).Message, StringComparison.Ordinal);
        Assert.Contains("ip is empty", Assert.Throws<HotplugException>(() => VifGuard.Create(AntispoofMode.Ip, "vif1.0", "00:16:3e:00:01:00", " ", "backend/vif/1/0")).Message, StringComparison.Ordinal);
        Assert.NotNull(VifGuard.Create(AntispoofMode.Mac, "vif1.0", "00:16:3e:00:01:00", null, "backend/vif/1/0"));
    }

    [Fact]
    public void Link_local_is_the_modified_EUI64_of_the_mac()
    {
        Assert.Equal("fe80::216:3eff:fe12:3456", VifGuard.LinkLocalOf(VifGuard.ParseMac("00:16:3e:12:34:56")!));
        Assert.Equal("fe80::ff:fe00:1", VifGuard.LinkLocalOf(VifGuard.ParseMac("02:00:00:00:00:01")!));
    }
}
