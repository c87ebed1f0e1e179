using XenHotplug.Core.Configuration;
using XenHotplug.Core.Placement;
using XenHotplug.Core.Plan;
using XenHotplug.Core.Request;

namespace XenHotplug.Tests.Support;

/// <summary>
/// An attach with every kind of step: a declared bridge xenbr5 that does not exist yet (its uplink eth5 down and
/// free), a round-robin pool with antispoof = mac, and a vifname, so the port is renamed from vif3.0 to web.
/// </summary>
public static class AttachFixture
{
    public const string Ini = """
        [bridge:xenbr5]
        uplink = eth5
        mtu = 9000
        [pool:p]
        bridges = xenbr5
        strategy = round-robin
        antispoof = mac
        """;

    public static MultibridgeConfig Config => TestConfig.Load(Ini);

    public static HotplugRequest Request => new(HotplugCommand.Online, InterfaceType.Vif, "vif3.0", "backend/vif/3/0", 3, 0, new Dictionary<string, string>());

    public static VifSettings Settings => new("pool:p", null, null, "web", "00:16:3e:00:00:0a", null, "guest", "uuid-3");

    public static FakeSysfs Host() => new FakeSysfs().Add("vif3.0", up: false).Add("eth5", up: false);

    /// <summary>The host plus xenbr7, xenbr8 (both VLAN-aware) and xenbr9 (not), with uplinks eth7, eth8, eth9: the VLAN tests' bridges.</summary>
    public static FakeSysfs VlanHost()
    {
        var host = Host().Add("xenbr7", bridge: true).Add("xenbr8", bridge: true).Add("xenbr9", bridge: true)
            .Add("eth7", master: "xenbr7").Add("eth8", master: "xenbr8").Add("eth9", master: "xenbr9");
        host.Links["xenbr7"].VlanFiltering = true;
        host.Links["xenbr8"].VlanFiltering = true;
        return host;
    }

    public static AttachFacts Facts(FakeSysfs host, long cursor = 0, IReadOnlySet<string>? uplinksWithAddresses = null) =>
        new(Settings, host, "vif3.0", "web", new DeviceFacts(true, false, false, null, null, false),
            new PlacementFacts(null, new Dictionary<string, long> { ["p"] = cursor }, null), uplinksWithAddresses ?? new HashSet<string>());

    public static AttachPlan Plan() => AttachPlanner.Plan(Config, Request, Facts(Host()));
}
