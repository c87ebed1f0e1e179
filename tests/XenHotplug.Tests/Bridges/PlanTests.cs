using XenHotplug.Core.Bridges;
using XenHotplug.Core.Failures;
using XenHotplug.Core.Network;
using XenHotplug.Tests.Support;

namespace XenHotplug.Tests.Bridges;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class PlanTests
{
    private static List<string> Lines(IEnumerable<NetOp> plan) => plan.Select(op => op.ToString()).ToList();

    [Fact]
    public void Start_moves_everything_to_the_bridge_in_a_reachable_order()
    {
        var state = NetworkFixtures.Unbridged();
        var plan = Lines(Converger.Plan(state, BridgePlanner.Start(state, NetworkFixtures.Xenbr0)));
        Assert.Equal(
        [
            "ip route delete 0.0.0.0/0 via 10.77.0.1 metric 0 dev eth0",
            "ip route delete 10.99.0.0/16 via 10.77.0.1 metric 50 dev eth0",
            "ip route delete ::/0 via fd77::1 metric 1024 dev eth0",
            "ip address delete fd77::2/64 dev eth0",
            "ip address delete 10.77.0.3/24 dev eth0",
            "ip address delete 10.77.0.2/24 dev eth0",
            "ip link add name xenbr0 address d2:80:48:97:fd:13 mtu 1500 type bridge stp_state 0 forward_delay 0",
            "ip link set dev eth0 master xenbr0",
            "ip link set dev xenbr0 up",
            "ip address add 10.77.0.2/24 dev xenbr0 broadcast 10.77.0.255",
            "ip address add 10.77.0.3/24 dev xenbr0 label xenbr0:1",
            "ip address add fd77::2/64 dev xenbr0 nodad",
            "ip route add 0.0.0.0/0 via 10.77.0.1 dev xenbr0",
            "ip route add 10.99.0.0/16 via 10.77.0.1 proto static metric 50 dev xenbr0",
            "ip route add ::/0 via fd77::1 metric 1024 dev xenbr0",
        ], plan);
    }

    [Fact]
    public void Start_legacy_renames_the_nic_before_the_bridge_takes_its_name()
    {
        var state = NetworkFixtures.Unbridged();
        var plan = Lines(Converger.Plan(state, BridgePlanner.Start(state, NetworkFixtures.Legacy0)));
        var down = plan.IndexOf("ip link set dev eth0 down");
        var rename = plan.IndexOf("ip link set dev eth0 name peth0");
        var create = plan.FindIndex(l => l.StartsWith("ip link add name eth0 ", StringComparison.Ordinal));
        Assert.True(down >= 0 && down < rename && rename < create, string.Join("\n", plan));
        Assert.Contains("ip link set dev peth0 master eth0", plan);
        Assert.Contains("ip link set dev peth0 up", plan);
        Assert.Contains("ip route add ::/0 via fd77::1 metric 1024 dev eth0", plan);
    }

    [Fact]
    public void Start_when_started_is_empty_and_stop_is_the_reverse()
    {
        var started = NetworkFixtures.Started(NetworkFixtures.Unbridged(), NetworkFixtures.Xenbr0);
        Assert.Empty(Converger.Plan(started, BridgePlanner.Start(started, NetworkFixtures.Xenbr0)));
        var stop = Lines(Converger.Plan(started, BridgePlanner.Stop(started, NetworkFixtures.Xenbr0, new UplinkRecord("xenbr0", "eth0", 9000, null))));
        Assert.Equal(
        [
            "ip route delete 0.0.0.0/0 via 10.77.0.1 metric 0 dev xenbr0",
            "ip route delete 10.99.0.0/16 via 10.77.0.1 metric 50 dev xenbr0",
            "ip route delete ::/0 via fd77::1 metric 1024 dev xenbr0",
            "ip address delete fd77::2/64 dev xenbr0",
            "ip address delete 10.77.0.3/24 dev xenbr0",
            "ip address delete 10.77.0.2/24 dev xenbr0",
            "ip link set dev eth0 nomaster",
            "ip link set dev eth0 mtu 9000",
            "ip address add 10.77.0.2/24 dev eth0 broadcast 10.77.0.255",
            "ip address add 10.77.0.3/24 dev eth0 label eth0:1",
            "ip address add fd77::2/64 dev eth0 nodad",
            "ip route add 0.0.0.0/0 via 10.77.0.1 dev eth0",
            "ip route add 10.99.0.0/16 via 10.77.0.1 proto static metric 50 dev eth0",
            "ip route add ::/0 via fd77::1 metric 1024 dev eth0",
            "ip link delete dev xenbr0",
        ], stop);
    }

    [Fact]
    public void Stop_when_nothing_started_is_empty()
    {
        var state = NetworkFixtures.Unbridged();
        Assert.Empty(Converger.Plan(state, BridgePlanner.Stop(state, NetworkFixtures.Xenbr0)));
        Assert.Empty(Converger.Plan(state, BridgePlanner.Stop(state, NetworkFixtures.Legacy0)));
    }

    [Fact]
    public void Stop_legacy_deletes_the_bridge_then_renames_the_nic_back()
    {
        var started = NetworkFixtures.Started(NetworkFixtures.Unbridged(), NetworkFixtures.Legacy0);
        Assert.Empty(Converger.Plan(started, BridgePlanner.Start(started, NetworkFixtures.Legacy0)));
        var plan = Lines(Converger.Plan(started, BridgePlanner.Stop(started, NetworkFixtures.Legacy0)));
        Assert.Equal("ip link delete dev eth0", plan[0]);
        Assert.Equal("ip link set dev peth0 down", plan[1]);
        Assert.Equal("ip link set dev peth0 name eth0", plan[2]);
        Assert.Equal("ip link set dev eth0 up", plan[3]);
        Assert.Contains("ip address add 10.77.0.2/24 dev eth0 broadcast 10.77.0.255", plan);
    }

    [Fact]
    public void Rollback_from_a_half_started_state_restores_the_journaled_links()
    {
        var before = NetworkFixtures.Unbridged();
        var journaled = BridgePlanner.Affected(before, NetworkFixtures.Xenbr0);
        // Killed after the bridge was made and the NIC enslaved, addresses deleted, nothing added yet.
        var nic = before.ByName("eth0")!;
        var half = new NetState([before.ByName("lo")!, nic with { Master = "xenbr0", Addresses = [], Routes = [] },
            new LinkState(10, "xenbr0", "bridge", null, nic.Mac, 1500, false, [], [])]);
        var plan = Lines(Converger.Plan(half, BridgePlanner.Restore(journaled, "xenbr0")));
        Assert.Equal(
        [
            "ip link set dev eth0 nomaster",
            "ip address add 10.77.0.2/24 dev eth0 broadcast 10.77.0.255",
            "ip address add 10.77.0.3/24 dev eth0 label eth0:1",
            "ip address add fd77::2/64 dev eth0",
            "ip route add 0.0.0.0/0 via 10.77.0.1 dev eth0",
            "ip route add 10.99.0.0/16 via 10.77.0.1 proto static metric 50 dev eth0",
            "ip route add ::/0 via fd77::1 metric 1024 dev eth0",
            "ip link delete dev xenbr0",
        ], plan);
        Assert.Empty(Converger.Plan(before, BridgePlanner.Restore(journaled, "xenbr0")));
    }

    [Fact]
    public void Rollback_of_a_stop_recreates_the_bridge()
    {
        var started = NetworkFixtures.Started(NetworkFixtures.Unbridged(), NetworkFixtures.Xenbr0);
        var journaled = BridgePlanner.Affected(started, NetworkFixtures.Xenbr0);
        var plan = Lines(Converger.Plan(NetworkFixtures.Unbridged(), BridgePlanner.Restore(journaled, "xenbr0")));
        Assert.Contains("ip link add name xenbr0 address d2:80:48:97:fd:13 mtu 1500 type bridge stp_state 0 forward_delay 0", plan);
        Assert.DoesNotContain(plan, l => l.StartsWith("ip link set dev xenbr0 address", StringComparison.Ordinal)); // the MAC comes with the bridge
        Assert.Contains("ip link set dev eth0 master xenbr0", plan);
        Assert.Contains("ip address add fd77::2/64 dev xenbr0 nodad", plan);
        Assert.True(plan.IndexOf("ip address delete 10.77.0.2/24 dev eth0") < plan.IndexOf("ip address add 10.77.0.2/24 dev xenbr0 broadcast 10.77.0.255"));
    }

    [Theory]
    [InlineData("missing", "eth9 does not exist")]
    [InlineData("bridge", "is itself a bridge")]
    [InlineData("port", "already a port of bridge br9")]
    [InlineData("collision", "not a bridge")]
    public void Start_refuses_bad_input(string what, string message)
    {
        var state = NetworkFixtures.Unbridged();
        BridgeSpec spec = NetworkFixtures.Xenbr0;
        switch (what)
        {
            case "missing": spec = spec with { Uplink = "eth9", Port = "eth9" }; break;
            case "bridge": state = new NetState([.. state.Links, new LinkState(9, "br9", "bridge", null, null, 1500, true, [], [])]); spec = spec with { Uplink = "br9", Port = "br9" }; break;
            case "port": state = new NetState([.. state.Links.Select(l => l.Name == "eth0" ? l with { Master = "br9" } : l)]); break;
            case "collision": state = new NetState([.. state.Links, new LinkState(9, "xenbr0", "dummy", null, null, 1500, true, [], [])]); break;
        }
        var e = Assert.Throws<BridgeException>(() => BridgePlanner.Start(state, spec));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Host_only_create_and_up()
    {
        var state = NetworkFixtures.Unbridged();
        var spec = new BridgeSpec("xenhost", "xenhost", null, null, 9000);
        Assert.Equal(["ip link add name xenhost mtu 9000 type bridge stp_state 0 forward_delay 0", "ip link set dev xenhost up"],
            Lines(Converger.Plan(state, BridgePlanner.Start(state, spec))));
        var started = new NetState([.. state.Links, new LinkState(7, "xenhost", "bridge", null, "aa:bb:cc:dd:ee:ff", 9000, true, [], [])]);
        Assert.Empty(Converger.Plan(started, BridgePlanner.Start(started, spec)));
        Assert.Equal(["ip link delete dev xenhost"], Lines(Converger.Plan(started, BridgePlanner.Stop(started, spec))));
    }
}
