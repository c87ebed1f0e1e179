using XenHotplug.Core.Failures;
using XenHotplug.Core.Plan;
using XenHotplug.Core.Request;
using XenHotplug.Tests.Support;

namespace XenHotplug.Tests.Plan;

public sealed class AttachPlannerTests
{
    [Fact]
    public void The_whole_attach_is_one_plan_in_the_order_it_runs()
    {
        var plan = AttachFixture.Plan();
        Assert.Equal("xenbr5", plan.Decision.Bridge);
        Assert.Collection(plan.Steps,
            s => Assert.Equal(NetworkStepKind.Bridge, Assert.IsType<NetworkStep>(s).Kind),
            s => Assert.Equal("web", Assert.IsType<GuardStep>(s).Guard.Interface),
            s => Assert.Equal(NetworkStepKind.Port, Assert.IsType<NetworkStep>(s).Kind),
            s => Assert.Equal(("p", 1L, 0L), (Assert.IsType<CursorStep>(s).Pool, ((CursorStep)s).Next, ((CursorStep)s).Previous)),
            s => Assert.IsType<XenstoreStep>(s));
        Assert.Null(plan.Refusal);
    }

    [Fact]
    public void The_printed_plan_lists_every_change_in_order()
    {
        Assert.Equal("""
              ip link add name xenbr5 mtu 9000 type bridge stp_state 0 forward_delay 0
              ip link set dev eth5 master xenbr5
              ip link set dev eth5 up
              ip link set dev xenbr5 up
              antispoof mac guards web (NIC vif3.0; rules below)
              ip link set dev vif3.0 alias xen-vif-3.0
              ip link set dev vif3.0 name web
              ip link set dev web down
              ip link set dev web address fe:ff:ff:ff:ff:ff
              ip address flush dev web
              ip link set dev web mtu 9000
              ip link set dev web master xenbr5
              ip link set dev web up
              round-robin cursor of pool p: 0 -> 1
              xenstore-write /local/domain/3/device/vif/0/mtu 9000
              xenstore-write backend/vif/3/0/hotplug-status connected

            """.ReplaceLineEndings("\n"), AttachFixture.Plan().Render());
    }

    // The port's undo for each point the batch can stop at: exactly the operations before it, taken back last first.
    [Theory]
    [InlineData(0, new string[] { })]
    [InlineData(1, new[] { "ip link set dev vif3.0 alias " })]
    [InlineData(2, new[] { "ip link set dev web down", "ip link set dev web name vif3.0", "ip link set dev vif3.0 alias " })]
    [InlineData(4, new[] { "ip link set dev web address 00:16:3e:00:00:01", "ip link set dev web down", "ip link set dev web name vif3.0", "ip link set dev vif3.0 alias " })]
    [InlineData(7, new[] { "ip link set dev web nomaster", "ip link set dev web mtu 1500", "ip link set dev web address 00:16:3e:00:00:01", "ip link set dev web down", "ip link set dev web name vif3.0", "ip link set dev vif3.0 alias " })]
    [InlineData(8, new[] { "ip link set dev web down", "ip link set dev web nomaster", "ip link set dev web mtu 1500", "ip link set dev web address 00:16:3e:00:00:01", "ip link set dev web down", "ip link set dev web name vif3.0", "ip link set dev vif3.0 alias " })]
    public void A_port_stopped_after_some_operations_takes_back_exactly_those(int applied, string[] undo)
    {
        Assert.Equal(undo, AttachFixture.Plan().Port.UndoOf(applied).Select(o => o.ToString()));
    }

    [Fact]
    public void A_port_that_was_up_on_a_bridge_is_put_back_up_on_it()
    {
        var host = new FakeSysfs().Add("xenbr0", bridge: true).Add("xenbr1", bridge: true).Add("vif3.0", master: "xenbr1", up: true);
        var facts = new AttachFacts(new VifSettings("xenbr0", null, null, null, null, null, null, null), host, "vif3.0", "vif3.0", null,
            new Core.Placement.PlacementFacts("xenbr1", new Dictionary<string, long>(), null), new HashSet<string>());
        var port = AttachPlanner.Plan(Core.Configuration.MultibridgeConfig.Default, AttachFixture.Request, facts).Port;
        Assert.Equal([
            "ip link set dev vif3.0 master xenbr1",
            "ip link set dev vif3.0 mtu 1500",
            "ip link set dev vif3.0 address 00:16:3e:00:00:01",
            "ip link set dev vif3.0 up",
        ], port.UndoOf(int.MaxValue).Select(o => o.ToString()));
    }

    [Fact]
    public void A_guard_the_backend_cannot_support_is_a_refusal_the_explain_shows()
    {
        var facts = AttachFixture.Facts(AttachFixture.Host()) with { Settings = AttachFixture.Settings with { Mac = null } };
        var plan = AttachPlanner.Plan(AttachFixture.Config, AttachFixture.Request, facts);
        Assert.Equal("antispoof = mac needs the guest's MAC, but backend/vif/3/0/mac is not set", plan.Refusal);
        Assert.DoesNotContain(plan.Steps, s => s is GuardStep);
    }

    [Fact]
    public void A_disabled_nic_is_a_refusal_with_no_guard_and_the_online_changes_nothing()
    {
        var config = TestConfig.Load(AttachFixture.Ini + "\n[domain:gue*]\nantispoof = disabled\n");
        var plan = AttachPlanner.Plan(config, AttachFixture.Request, AttachFixture.Facts(AttachFixture.Host()));
        Assert.Equal("antispoof = disabled ([domain:gue*] antispoof): vif3.0 is refused, this guest gets no network on it", plan.Refusal);
        Assert.DoesNotContain(plan.Steps, s => s is GuardStep);

        var effects = new RecordingEffects();
        var e = Assert.Throws<HotplugException>(() => new Host.Hotplug.AttachExecutor(effects, Host.Hotplug.Deadline.None, Serilog.Core.Logger.None).Execute(AttachFixture.Request, plan));
        Assert.Equal(plan.Refusal, e.Message);
        Assert.Empty(effects.Journal);
    }

    [Theory]
    [InlineData("[policy]\nantispoof = disabled\n", "[policy] antispoof")]
    [InlineData("[pool:p]\nbridges = xenbr5\nstrategy = round-robin\nantispoof = disabled\n", "[pool:p] antispoof")]
    public void Disabled_also_comes_from_the_policy_or_the_pool(string ini, string why)
    {
        var text = ini.StartsWith("[pool", StringComparison.Ordinal) ? AttachFixture.Ini.Replace("antispoof = mac", "antispoof = disabled", StringComparison.Ordinal) : AttachFixture.Ini.Replace("antispoof = mac", "", StringComparison.Ordinal) + "\n" + ini;
        var plan = AttachPlanner.Plan(TestConfig.Load(text), AttachFixture.Request, AttachFixture.Facts(AttachFixture.Host()));
        Assert.Equal($"antispoof = disabled ({why}): vif3.0 is refused, this guest gets no network on it", plan.Refusal);
    }

    [Theory]
    [InlineData("[pool:p]\nisolated = yes", "[pool:p] isolated")]
    [InlineData("[bridge:xenbr5]\nisolated = yes", "[bridge:xenbr5] isolated")]
    [InlineData("[domain:guest]\nisolated = yes", "[domain:guest] isolated")]
    public void An_isolated_port_gets_the_flag_after_its_master_and_before_it_comes_up(string section, string why)
    {
        var header = section[..section.IndexOf('\n', StringComparison.Ordinal)];
        var ini = header == "[domain:guest]" ? AttachFixture.Ini + "\n" + section + "\n" : AttachFixture.Ini.Replace(header, section, StringComparison.Ordinal);
        var plan = AttachPlanner.Plan(TestConfig.Load(ini), AttachFixture.Request, AttachFixture.Facts(AttachFixture.Host()));
        Assert.Equal(why, plan.Isolated);
        var ops = plan.Port.Batch.Select(o => o.ToString()).ToList();
        Assert.Equal(["ip link set dev web master xenbr5", "ip link set dev web type bridge_slave isolated on", "ip link set dev web up"], ops[^3..]);
        Assert.Contains("  ip link set dev web type bridge_slave isolated on\n", plan.Render(), StringComparison.Ordinal);
        // Its undo: the port leaves the bridge, and the flag with it.
        Assert.DoesNotContain(plan.Port.UndoOf(int.MaxValue), o => o is Core.Network.LinkSetIsolated);
    }

    [Fact]
    public void A_rule_saying_no_overrides_an_isolated_pool_and_the_default_is_not_isolated()
    {
        var isolatedPool = AttachFixture.Ini.Replace("[pool:p]", "[pool:p]\nisolated = yes", StringComparison.Ordinal);
        var plan = AttachPlanner.Plan(TestConfig.Load(isolatedPool + "\n[domain:gue*]\nisolated = no\n"), AttachFixture.Request, AttachFixture.Facts(AttachFixture.Host()));
        Assert.Null(plan.Isolated);
        Assert.DoesNotContain(plan.Port.Batch, o => o is Core.Network.LinkSetIsolated);
        Assert.DoesNotContain(AttachFixture.Plan().Port.Batch, o => o is Core.Network.LinkSetIsolated);
    }

    [Fact]
    public void A_device_that_is_not_the_guests_is_refused_before_anything_is_planned()
    {
        var facts = AttachFixture.Facts(AttachFixture.Host()) with { Identity = new DeviceFacts(true, IsBridge: true, false, null, null, false) };
        var e = Assert.Throws<HotplugException>(() => AttachPlanner.Plan(AttachFixture.Config, AttachFixture.Request, facts));
        Assert.Contains("vif3.0", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_bridge_whose_uplink_holds_addresses_is_network_multibridges_job()
    {
        var facts = AttachFixture.Facts(AttachFixture.Host(), uplinksWithAddresses: new HashSet<string> { "eth5" });
        var e = Assert.Throws<HotplugException>(() => AttachPlanner.Plan(AttachFixture.Config, AttachFixture.Request, facts));
        Assert.Equal("bridge xenbr5 does not exist and its uplink eth5 carries addresses: run 'network-multibridge start' to move them onto the bridge", e.Message);
    }

    [Fact]
    public void A_port_attached_before_keeps_its_guard_on_undo()
    {
        var facts = AttachFixture.Facts(AttachFixture.Host().Add("xenbr5", bridge: true)) with
        {
            Placement = new Core.Placement.PlacementFacts("xenbr5", new Dictionary<string, long>(), null),
        };
        var plan = AttachPlanner.Plan(AttachFixture.Config, AttachFixture.Request, facts);
        Assert.False(Assert.Single(plan.Steps.OfType<GuardStep>()).RemoveOnUndo);
        Assert.DoesNotContain(plan.Steps, s => s is NetworkStep { Kind: NetworkStepKind.Bridge });
    }

    [Theory]
    [InlineData("0", "vlan: term '0': ")]
    [InlineData("4095", "vlan: term '4095': ")]
    [InlineData("10p/20p", "vlan: term '20p': only one VLAN id can be the PVID (10 already is)")]
    [InlineData("10-5", "vlan: term '10-5': ")]
    [InlineData("junk", "vlan: term 'junk': ")]
    public void A_malformed_vlan_is_refused_naming_the_key_and_the_term(string vlan, string start)
    {
        var facts = AttachFixture.Facts(AttachFixture.Host()) with { Settings = AttachFixture.Settings with { Vlan = vlan } };
        var e = Assert.Throws<HotplugException>(() => AttachPlanner.Plan(AttachFixture.Config, AttachFixture.Request, facts));
        Assert.StartsWith(start, e.Message, StringComparison.Ordinal);
        Assert.EndsWith("(in backend/vif/3/0/vlan)", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10", "VLAN 10")]
    [InlineData("10p/20", "VLAN 10, 20")]
    public void A_valid_vlan_in_a_pool_without_vlan_filtering_is_refused_rather_than_ignored(string vlan, string shown)
    {
        var facts = AttachFixture.Facts(AttachFixture.Host()) with { Settings = AttachFixture.Settings with { Vlan = vlan } };
        var e = Assert.Throws<HotplugException>(() => AttachPlanner.Plan(AttachFixture.Config, AttachFixture.Request, facts));
        Assert.Equal($"no bridge of pool 'p' carries {shown} (xenbr5: does not filter VLANs)", e.Message);
    }
}
