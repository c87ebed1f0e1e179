using XenHotplug.Core.Network;
using XenHotplug.Core.Placement;
using XenHotplug.Core.Request;
using XenHotplug.Tests.Support;

namespace XenHotplug.Tests.Network;

/// <summary>Only guests count: libxl's names and our mark, never an administrator's tap, veth or other port.</summary>
public class GuestPortsTests
{
    private static FakeSysfs Host()
    {
        var s = new FakeSysfs();
        s.Add("xenbr0", bridge: true).Add("eth0", master: "xenbr0").Add("xenbr1", bridge: true).Add("eth1", master: "xenbr1");
        return s;
    }

    [Theory]
    [InlineData("vif3.0", null, true)]
    [InlineData("vif3.0-emu", null, true)]
    [InlineData("web1", "xen-vif-3.0", true)]
    [InlineData("web1-emu", "xen-vif-3.0", true)]
    [InlineData("tap0", null, false)]
    [InlineData("tap3.0", null, false)]
    [InlineData("vifmon", null, false)]
    [InlineData("vif3.x", null, false)]
    [InlineData("veth-admin", null, false)]
    [InlineData("veth-admin", "monitoring", false)]
    public void Only_libxls_names_or_our_mark_are_guests(string port, string? alias, bool guest)
    {
        var host = Host().Add(port, master: "xenbr0", alias: alias);
        Assert.Equal(guest, GuestPorts.IsGuestPort(host, port));
        Assert.Equal(guest ? [port] : [], GuestPorts.On(host, "xenbr0", "eth0"));
    }

    [Fact]
    public void Stop_still_refuses_to_pull_a_bridge_from_under_an_admins_tap()
    {
        var host = Host().Add("tap0", master: "xenbr0").Add("veth-admin", master: "xenbr0");
        Assert.Equal(["tap0"], GuestPorts.Attached(host, "xenbr0", "eth0"));
        Assert.Empty(GuestPorts.On(host, "xenbr0", "eth0"));
    }

    [Fact]
    public void Least_loaded_placement_ignores_an_admins_taps_and_veths()
    {
        var config = TestConfig.Load(TestConfig.TwoBridgePool);
        var host = Host().Add("tap0", master: "xenbr0").Add("tap1", master: "xenbr0").Add("veth-mon", master: "xenbr0");
        var placed = new List<string>();
        for (var d = 1; d <= 4; d++)
        {
            var request = new HotplugRequest(HotplugCommand.Online, InterfaceType.Vif, $"vif{d}.0", $"backend/vif/{d}/0", d, 0, new Dictionary<string, string>());
            var decision = BridgePolicy.Decide(config, request, new VifSettings("pool:p", null, null, null, null, null, "g", "u"), host);
            placed.Add(decision.Bridge);
            host.Add($"vif{d}.0", master: decision.Bridge);
        }
        Assert.Equal(["xenbr0", "xenbr1", "xenbr0", "xenbr1"], placed);
    }

    [Fact]
    public void The_balancers_survey_sees_no_admin_port_as_a_guest()
    {
        var config = TestConfig.Load(TestConfig.TwoBridgePool + "shared_segment = yes\n");
        var host = Host().Add("tap0", master: "xenbr0").Add("veth-mon", master: "xenbr0").Add("vif1.0", master: "xenbr1").Add("vif1.0-emu", master: "xenbr1");
        var state = XenHotplug.Host.Balancing.BalanceSurvey.Take(config, host, () => null, new Dictionary<string, double>(),
            new XenHotplug.Core.Balancing.BalancerRecord(), DateTimeOffset.UnixEpoch, _ => { });
        Assert.Equal(["vif1.0", "vif1.0-emu"], state.Guests.Select(g => g.Vif).Order(StringComparer.Ordinal));
    }
}
