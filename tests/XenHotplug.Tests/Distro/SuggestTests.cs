using XenHotplug.Core.Configuration;
using XenHotplug.Core.Distro;
using XenHotplug.Core.Network;
using XenHotplug.Host.Distro;
using XenHotplug.Tests.Support;

namespace XenHotplug.Tests.Distro;

public sealed class SuggestTests : IDisposable
{
    private readonly string _sys = Directory.CreateTempSubdirectory("xhp-suggest-").FullName;

    public void Dispose() => Directory.Delete(_sys, recursive: true);

    private static MultibridgeConfig Parse(string text) => TestConfig.Load(text);

    [Fact]
    public void Physical_nics_with_carrier_get_one_bridge_each_in_a_pool_with_their_addressing_noted()
    {
        NetState state = new([
            new LinkState(2, "enp3s0", null, null, "52:54:00:00:00:01", 1500, true,
                [new IpAddress("inet", "192.0.2.10", 24, ValidLft: 3600)], [new IpRoute("inet", "default", "192.0.2.1", "dhcp")]),
            new LinkState(3, "enp4s0", null, null, "52:54:00:00:00:02", 1500, true, [new IpAddress("inet", "198.51.100.5", 24)], []),
            new LinkState(4, "enp5s0", null, null, "52:54:00:00:00:03", 1500, true, [], []),
            new LinkState(5, "veth0", null, null, "52:54:00:00:00:04", 1500, true, [], []),
        ]);
        foreach (var nic in new[] { "enp3s0", "enp4s0", "enp5s0" }) Directory.CreateDirectory(Path.Combine(_sys, nic, "device"));
        var sysfs = new FakeSysfs();
        sysfs.Add("enp3s0", carrier: true);
        sysfs.Add("enp4s0", carrier: true);
        sysfs.Speeds["enp3s0"] = 1000;
        sysfs.Speeds["enp4s0"] = 10000;
        sysfs.Add("enp5s0", carrier: false);
        sysfs.Add("veth0", carrier: true);
        var nics = new SuggestService(sysfs, new NoFacts(), _sys).Find(state);
        Assert.Equal(["enp3s0", "enp4s0"], nics.Select(n => n.Name));
        var ini = IniSuggestion.Render(nics, "/etc/xen/multibridge.ini");
        Assert.Contains("# enp3s0: 52:54:00:00:00:01, 1000 Mb/s, 192.0.2.10/24, default route via 192.0.2.1\n", ini, StringComparison.Ordinal);
        Assert.Contains("is dynamic", ini, StringComparison.Ordinal);
        Assert.Contains("network-multibridge render", ini, StringComparison.Ordinal);
        var config = Parse(ini);
        Assert.Equal([("xenbr0", "enp3s0"), ("xenbr1", "enp4s0")], config.Bridges.Select(b => (b.Name, b.Uplink!)));
        Assert.Equal(10, config.Bridges[1].Weight);
        Assert.Equal("default", config.DefaultPool);
        Assert.Equal(["xenbr0", "xenbr1"], config.Pools["default"].Bridges);
    }

    [Fact]
    public void No_physical_nic_gives_a_host_only_bridge()
    {
        var config = Parse(IniSuggestion.Render([], "/etc/xen/multibridge.ini"));
        Assert.Null(Assert.Single(config.Bridges).Uplink);
    }

    private sealed class NoFacts : IUplinkProbe
    {
        public UplinkFacts Probe(LinkState nic) => UplinkFacts.None;
    }
}
