using XenHotplug.Core.Failures;
using XenHotplug.Core.Placement;
using XenHotplug.Core.Plan;
using XenHotplug.Host.Hotplug;
using XenHotplug.Tests.Support;

namespace XenHotplug.Tests.Plan;

/// <summary>[domain:GLOB] vlan =: a rule's VLANs for a NIC whose VM config names none; the VM config wins.</summary>
public sealed class VlanRuleTests
{
    private const string Ini = """
        [bridge:xenbr7]
        uplink = eth7
        [bridge:xenbr8]
        uplink = eth8
        [pool:v]
        bridges = xenbr7 xenbr8
        [domain:gu*]
        vlan = 10p/20
        [domain:guest]
        vlan = 30
        """;

    private static FakeSysfs Host() => AttachFixture.VlanHost();

    private static readonly Dictionary<string, IReadOnlySet<ushort>> Carried = new()
    {
        ["xenbr7"] = new HashSet<ushort> { 10 },
        ["xenbr8"] = new HashSet<ushort> { 10, 20, 30 },
    };

    private static AttachPlan Plan(string bridge, string? vlan = null, string ini = Ini, FakeSysfs? host = null, string domain = "guest")
    {
        var facts = AttachFixture.Facts(host ?? Host()) with
        {
            Settings = AttachFixture.Settings with { Bridge = bridge, Vlan = vlan, DomainName = domain },
            Placement = new PlacementFacts(null, new Dictionary<string, long>(), null) { UplinkVids = Carried },
        };
        return AttachPlanner.Plan(TestConfig.Load(ini), AttachFixture.Request, facts);
    }

    private static List<string> VlanLines(AttachPlan plan) =>
        plan.Port.Batch.Select(o => o.ToString()).Where(l => l.StartsWith("bridge vlan", StringComparison.Ordinal)).ToList();

    [Fact]
    public void A_rule_vlan_is_parsed_at_load_in_the_vlan_grammar()
    {
        var rule = TestConfig.Load(Ini).DomainRules[0];
        Assert.Equal("10p/20", rule.Vlans?.ToString());
        Assert.Equal((ushort)10, rule.Vlans?.Pvid);
        Assert.True(rule.PlacesNothing);
    }

    [Fact]
    public void A_rule_with_only_vlan_is_a_rule()
    {
        var config = TestConfig.Load("[domain:web*]\nvlan = 10p/100+10x4\n");
        Assert.Equal([10, 100, 110, 120, 130, 140], config.DomainRules.Single().Vlans!.Vids.Select(v => (int)v));
    }

    [Theory]
    [InlineData("0", "multibridge.ini:2: [domain:web*] vlan: term '0': ")]
    [InlineData("4095", "multibridge.ini:2: [domain:web*] vlan: term '4095': ")]
    [InlineData("10p/20p", "multibridge.ini:2: [domain:web*] vlan: term '20p': only one VLAN id can be the PVID (10 already is)")]
    [InlineData("10-5", "multibridge.ini:2: [domain:web*] vlan: term '10-5': ")]
    [InlineData("10/20", "multibridge.ini:2: [domain:web*] vlan: no PVID in '10/20': mark exactly one single VLAN id with p (e.g. 10p/20)")]
    [InlineData("10p/10", "multibridge.ini:2: [domain:web*] vlan: term '10': VLAN id 10 appears twice")]
    [InlineData("ten", "multibridge.ini:2: [domain:web*] vlan: term 'ten': ")]
    public void A_bad_rule_vlan_is_refused_at_load_with_the_grammar_words_naming_section_and_key(string value, string expected)
    {
        var message = Assert.Throws<ConfigException>(() => TestConfig.Load($"[domain:web*]\nvlan = {value}\n")).Message;
        Assert.Contains(expected, message, StringComparison.Ordinal);
        Assert.DoesNotContain("vlan: vlan:", message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_rule_error_is_the_backend_error_word_for_word()
    {
        _ = Core.Vlan.VlanSyntax.TryParse("1p/2p", out var backend);
        var message = Assert.Throws<ConfigException>(() => TestConfig.Load("[domain:x]\nvlan = 1p/2p\n")).Message;
        Assert.EndsWith("[domain:x] " + backend, message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_first_matching_rule_that_sets_vlan_gives_the_nic_its_vlans()
    {
        var plan = Plan("xenbr8");
        Assert.Equal("10p/20", plan.Vlans?.ToString());
        Assert.Equal("vlan=10p/20 (rule [domain:gu*])", plan.VlanSource);
        Assert.Equal(["bridge vlan add dev web vid 10 pvid untagged", "bridge vlan add dev web vid 20", "bridge vlan del dev web vid 1"], VlanLines(plan));
    }

    [Fact]
    public void A_rule_that_does_not_match_gives_no_vlans()
    {
        var plan = Plan("xenbr8", domain: "db1");
        Assert.Null(plan.Vlans);
        Assert.Null(plan.VlanSource);
        Assert.Empty(VlanLines(plan));
    }

    [Fact]
    public void The_vm_config_vlan_key_wins_over_the_rule()
    {
        var plan = Plan("xenbr8", vlan: "30");
        Assert.Equal("30p", plan.Vlans?.ToString());
        Assert.Equal("vlan=30p (in backend/vif/3/0/vlan)", plan.VlanSource);
    }

    [Fact]
    public void A_vlan_in_the_bridge_name_wins_over_the_rule()
    {
        var plan = Plan("xenbr8.30");
        Assert.Equal("xenbr8", plan.Decision.Bridge);
        Assert.Equal("30p", plan.Vlans?.ToString());
        Assert.StartsWith("bridge=xenbr8.30 ", plan.VlanSource, StringComparison.Ordinal);
    }

    [Fact]
    public void A_pool_places_by_the_rule_vlans()
    {
        var plan = Plan("pool:v");
        Assert.Equal("xenbr8", plan.Decision.Bridge);
        Assert.Equal("its uplink does not carry VLAN 20", plan.Decision.Candidates.Single(c => c.Name == "xenbr7").Excluded);
    }

    [Fact]
    public void A_rule_vlan_on_a_bridge_without_filtering_is_refused_naming_the_rule()
    {
        var host = Host();
        host.Links["xenbr8"].VlanFiltering = false;
        var e = Assert.Throws<HotplugException>(() => Plan("xenbr8", host: host));
        Assert.StartsWith("vlan=10p/20 (rule [domain:gu*]) for bridge xenbr8: xenbr8 does not filter VLANs", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_says_where_the_vlans_came_from()
    {
        var plan = Plan("pool:v");
        var text = VifHotplugService.Explain(AttachFixture.Request, AttachFixture.Settings, plan);
        Assert.Contains("  vlans: 10p/20 (PVID 10)\n    from: vlan=10p/20 (rule [domain:gu*])\n", text, StringComparison.Ordinal);
        Assert.Contains("xenbr7          guests   0  weight    1  EXCLUDED   its uplink does not carry VLAN 20", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_without_vlans_has_no_vlan_lines()
    {
        var plan = Plan("xenbr8", domain: "db1");
        var text = VifHotplugService.Explain(AttachFixture.Request, AttachFixture.Settings, plan);
        Assert.DoesNotContain("vlans:", text, StringComparison.Ordinal);
        Assert.DoesNotContain("from:", text, StringComparison.Ordinal);
    }
}
