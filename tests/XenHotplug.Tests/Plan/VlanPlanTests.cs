using XenHotplug.Core.Failures;
using XenHotplug.Core.Placement;
using XenHotplug.Core.Plan;
using XenHotplug.Core.Vlan;
using XenHotplug.Tests.Support;

namespace XenHotplug.Tests.Plan;

/// <summary>A guest NIC's VLANs (vlan=, or a BR.TAG:TRUNKS bridge name) as operations of its port, with their undos.</summary>
public sealed class VlanPlanTests
{
    private static FakeSysfs Host(bool filtering = true, int defaultPvid = 1)
    {
        var host = AttachFixture.Host().Add("xenbr7", bridge: true);
        host.Links["xenbr7"].VlanFiltering = filtering;
        host.Links["xenbr7"].DefaultPvid = defaultPvid;
        return host;
    }

    private static AttachPlan Plan(string bridge, string? vlan, FakeSysfs? host = null, string? master = null, IReadOnlyList<VlanMember>? portVlans = null)
    {
        var facts = AttachFixture.Facts(host ?? Host()) with
        {
            Settings = AttachFixture.Settings with { Bridge = bridge, Vlan = vlan },
            Placement = new PlacementFacts(master, new Dictionary<string, long>(), null),
        };
        return AttachPlanner.Plan(AttachFixture.Config, AttachFixture.Request, facts with { PortVlans = portVlans });
    }

    private static List<string> PortLines(AttachPlan plan) => plan.Port.Batch.Select(o => o.ToString()).ToList();

    private static HotplugException Refusal(string bridge, string? vlan, FakeSysfs? host = null) =>
        Assert.Throws<HotplugException>(() => Plan(bridge, vlan, host));

    [Fact]
    public void Vlan_key_gives_the_port_its_vlans_after_enslaving_and_before_it_comes_up()
    {
        var plan = Plan("xenbr7", "10p/20");
        var lines = PortLines(plan);
        var master = lines.IndexOf("ip link set dev web master xenbr7");
        Assert.Equal(
            ["bridge vlan add dev web vid 10 pvid untagged", "bridge vlan add dev web vid 20", "bridge vlan del dev web vid 1", "ip link set dev web up"],
            lines[(master + 1)..]);
        Assert.Equal("10p/20", plan.Vlans?.ToString());
        Assert.Equal("xenbr7", plan.Decision.Bridge);
    }

    [Fact]
    public void The_undo_takes_the_vlans_back_before_the_port_leaves_the_bridge()
    {
        var undo = Plan("xenbr7", "10p/20").Port.UndoOf(int.MaxValue).Select(o => o.ToString()).ToList();
        var vlanUndo = new[] { "bridge vlan add dev web vid 1 pvid untagged", "bridge vlan del dev web vid 20", "bridge vlan del dev web vid 10" };
        Assert.Equal(vlanUndo, undo.Where(l => l.StartsWith("bridge ", StringComparison.Ordinal)));
        Assert.True(undo.IndexOf(vlanUndo[^1]) < undo.IndexOf("ip link set dev web nomaster"));
    }

    [Fact]
    public void The_default_pvid_the_guest_asks_for_is_kept_and_none_is_deleted_when_the_bridge_gives_none()
    {
        Assert.Equal(["bridge vlan add dev web vid 10"], PortLines(Plan("xenbr7", "1p/10")).Where(l => l.StartsWith("bridge", StringComparison.Ordinal)));
        Assert.Equal(["bridge vlan add dev web vid 10 pvid untagged"], PortLines(Plan("xenbr7", "10", Host(defaultPvid: 0))).Where(l => l.StartsWith("bridge", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_trunk_name_gives_tagged_vlans_and_no_pvid()
    {
        var plan = Plan("xenbr7:20:30", null);
        Assert.Equal("xenbr7", plan.Decision.Bridge);
        Assert.Null(plan.Vlans?.Pvid);
        Assert.Equal(
            ["bridge vlan add dev web vid 20", "bridge vlan add dev web vid 30", "bridge vlan del dev web vid 1"],
            PortLines(plan).Where(l => l.StartsWith("bridge", StringComparison.Ordinal)));
    }

    [Fact]
    public void An_access_name_with_trunks_gives_the_native_vlan_untagged()
    {
        var plan = Plan("xenbr7.10:20", null);
        Assert.Equal("xenbr7", plan.Decision.Bridge);
        Assert.Equal(
            ["bridge vlan add dev web vid 10 pvid untagged", "bridge vlan add dev web vid 20", "bridge vlan del dev web vid 1"],
            PortLines(plan).Where(l => l.StartsWith("bridge", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_bridge_named_as_written_is_used_verbatim()
    {
        var host = Host().Add("xenbr7.100", bridge: true);
        var plan = Plan("xenbr7.100", null, host);
        Assert.Equal("xenbr7.100", plan.Decision.Bridge);
        Assert.Null(plan.Vlans);
        Assert.DoesNotContain(PortLines(plan), l => l.StartsWith("bridge", StringComparison.Ordinal));
    }

    [Fact]
    public void A_second_online_changes_only_what_differs_from_the_port_now()
    {
        var plan = Plan("xenbr7", "10p/20", master: "xenbr7", portVlans: [new(1, true, true), new(10, false, false)]);
        var port = plan.Port.Operations.Where(o => o.Do.Tool == "bridge").ToList();
        Assert.Equal(
            ["bridge vlan add dev web vid 10 pvid untagged", "bridge vlan add dev web vid 20", "bridge vlan del dev web vid 1"],
            port.Select(o => o.Do.ToString()));
        Assert.Equal(["bridge vlan add dev web vid 10"], port[0].Undo.Select(o => o.ToString()));
        Assert.Equal(["bridge vlan add dev web vid 1 pvid untagged"], port[2].Undo.Select(o => o.ToString()));
    }

    [Fact]
    public void A_bridge_that_does_not_filter_vlans_is_refused_with_the_way_out()
    {
        var e = Refusal("xenbr7", "10", Host(filtering: false));
        Assert.Equal(
            "vlan=10p (in backend/vif/3/0/vlan) for bridge xenbr7: xenbr7 does not filter VLANs (vlan_filtering 0), so the NIC is refused rather than put on it untagged; "
            + "give the guest a VLAN-aware bridge (vlan_filtering 1) or the bridge of its VLAN",
            e.Message);
        Assert.StartsWith("bridge=xenbr7.10 (in backend/vif/3/0/bridge) for bridge xenbr7: xenbr7 does not filter VLANs", Refusal("xenbr7.10", null, Host(filtering: false)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bridge_that_does_not_exist_yet_is_refused_for_vlans()
    {
        var e = Refusal("xenbr5", "10");
        Assert.StartsWith("vlan=10p (in backend/vif/3/0/vlan) for bridge xenbr5: xenbr5 does not exist yet", e.Message, StringComparison.Ordinal);
        Assert.Equal("no bridge of pool 'p' carries VLAN 10 (xenbr5: does not filter VLANs)", Refusal("pool:p", "10").Message);
    }

    [Fact]
    public void Two_vlan_requests_for_one_nic_are_refused()
    {
        var e = Refusal("xenbr7.10", "20");
        Assert.Equal(
            "bridge=xenbr7.10 (in backend/vif/3/0/bridge) and vlan=20p (in backend/vif/3/0/vlan): two VLAN requests for one NIC; give the VLANs once, in vlan= or in the bridge name",
            e.Message);
    }

    [Theory]
    [InlineData("xenbr7.5000", "bridge: term '5000' of 'xenbr7.5000': a VLAN id is 1-4094 (in backend/vif/3/0/bridge)")]
    [InlineData("xenbr7:20:20", "bridge: term '20' of 'xenbr7:20:20': VLAN id 20 appears twice (in backend/vif/3/0/bridge)")]
    public void A_bad_vlan_in_a_bridge_name_is_refused_naming_the_key(string bridge, string message) =>
        Assert.Equal(message, Refusal(bridge, null).Message);

    [Fact]
    public void A_name_of_neither_kind_stays_a_missing_bridge()
    {
        var e = Refusal("xenbr7.x", null);
        Assert.Contains("xenbr7.x", e.Message, StringComparison.Ordinal);
    }
}

/// <summary>bridge=pool:NAME with VLANs: only the pool's VLAN-aware bridges whose uplink carries every requested VID.</summary>
public sealed class VlanPoolPlacementTests
{
    private const string Ini = """
        [bridge:xenbr7]
        uplink = eth7
        [bridge:xenbr8]
        uplink = eth8
        [bridge:xenbr9]
        uplink = eth9
        [pool:v]
        bridges = xenbr7 xenbr8 xenbr9
        strategy = least-loaded
        """;

    private static FakeSysfs Host() => AttachFixture.VlanHost();

    private static readonly Dictionary<string, IReadOnlySet<ushort>> Carried = new()
    {
        ["xenbr7"] = new HashSet<ushort> { 10 },
        ["xenbr8"] = new HashSet<ushort> { 1, 10, 20 },
    };

    private static AttachPlan Plan(string vlan, FakeSysfs? host = null)
    {
        var facts = AttachFixture.Facts(host ?? Host()) with
        {
            Settings = AttachFixture.Settings with { Bridge = "pool:v", Vlan = vlan },
            Placement = new PlacementFacts(null, new Dictionary<string, long>(), null) { UplinkVids = Carried },
        };
        return AttachPlanner.Plan(TestConfig.Load(Ini), AttachFixture.Request, facts);
    }

    [Fact]
    public void The_pool_places_a_vlan_nic_only_where_the_uplink_carries_all_its_vids()
    {
        var plan = Plan("10p/20");
        Assert.Equal("xenbr8", plan.Decision.Bridge);
        var excluded = plan.Decision.Candidates.ToDictionary(c => c.Name, c => c.Excluded);
        Assert.Equal("its uplink does not carry VLAN 20", excluded["xenbr7"]);
        Assert.Equal("does not filter VLANs", excluded["xenbr9"]);
        Assert.Null(excluded["xenbr8"]);
    }

    [Fact]
    public void Least_loaded_still_decides_among_the_bridges_that_carry_the_vlan()
    {
        var host = Host().Add("vif9.0", master: "xenbr8");
        Assert.Equal("xenbr7", Plan("10", host).Decision.Bridge);
    }

    [Fact]
    public void No_bridge_carrying_the_vlan_is_one_line_naming_each_bridge()
    {
        var e = Assert.Throws<HotplugException>(() => Plan("30"));
        Assert.Equal(
            "no bridge of pool 'v' carries VLAN 30 (xenbr7: its uplink does not carry VLAN 30; xenbr8: its uplink does not carry VLAN 30; xenbr9: does not filter VLANs)",
            e.Message);
    }

    [Fact]
    public void A_nic_without_vlans_is_placed_as_before()
    {
        var facts = AttachFixture.Facts(Host()) with
        {
            Settings = AttachFixture.Settings with { Bridge = "pool:v" },
            Placement = new PlacementFacts(null, new Dictionary<string, long>(), null),
        };
        var plan = AttachPlanner.Plan(TestConfig.Load(Ini), AttachFixture.Request, facts);
        Assert.All(plan.Decision.Candidates, c => Assert.Null(c.Excluded));
    }
}
