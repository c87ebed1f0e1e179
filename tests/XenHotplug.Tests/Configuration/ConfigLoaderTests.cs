using XenHotplug.Core.Configuration;
using XenHotplug.Core.Failures;
using XenHotplug.Host.Configuration;

namespace XenHotplug.Tests.Configuration;

public class ConfigLoaderTests
{
    private static readonly Dictionary<string, string> NoEnv = new();

    private static MultibridgeConfig Load(string ini, Dictionary<string, string>? env = null) =>
        ConfigLoader.Build(IniDocument.Parse("/etc/xen/multibridge.ini", ini), env ?? NoEnv);

    private static string Fails(string ini, Dictionary<string, string>? env = null) =>
        Assert.Throws<ConfigException>(() => Load(ini, env)).Message;

    private const string Sample = """
        [hotplug]
        device_wait = 2.5                ; seconds
        [policy]
        auto_bridge = xenbr0
        default_pool = default
        [bridge:xenbr0]
        uplink = eth0
        [bridge:xenbr1]
        uplink = eth1
        weight = 10
        mtu = 9000
        [pool:default]
        bridges = xenbr0 xenbr1
        strategy = least-loaded        ; least-loaded | round-robin | sticky
        [pool:storage]
        bridges = xenbr1
        strategy = sticky
        [domain:db-*]                  ; glob on the guest's name
        pool = storage
        [domain:web?]
        bridge = xenbr0
        """;

    [Fact]
    public void Reads_the_issue_example_with_inline_comments()
    {
        var c = Load(Sample);
        Assert.Equal(2.5, c.Hotplug.DeviceWait);
        Assert.Equal(["xenbr0", "xenbr1"], c.Bridges.Select(b => b.Name));
        Assert.Equal("eth1", c.FindBridge("xenbr1")!.Uplink);
        Assert.Equal(9000, c.FindBridge("xenbr1")!.Mtu);
        Assert.Equal(10, c.FindBridge("xenbr1")!.Weight);
        Assert.Equal(1, c.FindBridge("xenbr0")!.Weight);
        Assert.Equal(PoolStrategy.LeastLoaded, c.Pools["default"].Strategy);
        Assert.Equal(PoolStrategy.Sticky, c.Pools["storage"].Strategy);
        Assert.Equal(["db-*", "web?"], c.DomainRules.Select(r => r.Glob));
        Assert.Equal("storage", c.DomainRules[0].Pool);
        Assert.Equal("xenbr0", c.DomainRules[1].Bridge);
        Assert.Contains("xenbr0", c.AutoBridges);
        Assert.Equal("default", c.DefaultPool);
        Assert.True(c.HasPolicy);
    }

    [Fact]
    public void Rule_order_is_file_order_not_alphabetical()
    {
        var c = Load("[bridge:b]\n[pool:p]\nbridges = b\n[domain:z*]\nbridge = b\n[domain:a*]\nbridge = b\n");
        Assert.Equal(["z*", "a*"], c.DomainRules.Select(r => r.Glob));
    }

    [Fact]
    public void No_file_means_defaults()
    {
        var c = ConfigLoader.Build(null, NoEnv);
        Assert.Equal(5, c.Hotplug.DeviceWait);
        Assert.Equal("/run/xen-multibridge", c.Hotplug.RunDir);
        Assert.Equal("/etc/xen/scripts/vif-post.d", c.Hotplug.HooksDir);
        Assert.False(c.HasPolicy);
        Assert.Empty(c.AutoBridges);
    }

    [Fact]
    public void Environment_overrides_the_file()
    {
        var c = Load(Sample, new() { ["XEN_MULTIBRIDGE_hotplug__device_wait"] = "9", ["XEN_MULTIBRIDGE_RUNDIR"] = "/tmp/x", ["XEN_MULTIBRIDGE_CONFIG"] = "/etc/x.ini" });
        Assert.Equal(9, c.Hotplug.DeviceWait);
        Assert.Equal("/tmp/x", c.Hotplug.RunDir);
    }

    [Fact]
    public void Missing_file_loads_defaults()
    {
        var c = ConfigLoader.Load(new Dictionary<string, string> { ["XEN_MULTIBRIDGE_CONFIG"] = "/nonexistent/multibridge.ini" });
        Assert.Null(c.SourceFile);
    }

    [Fact]
    public void Refuses_a_file_writable_by_others()
    {
        var path = Path.Combine(Path.GetTempPath(), "xhp-" + Guid.NewGuid().ToString("N") + ".ini");
        File.WriteAllText(path, "[hotplug]\ndevice_wait = 1\n");
        try
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherWrite | UnixFileMode.OtherRead);
            var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(new Dictionary<string, string> { ["XEN_MULTIBRIDGE_CONFIG"] = path }));
            Assert.Contains("writable by group or others", e.Message, StringComparison.Ordinal);
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
            Assert.Equal(1, ConfigLoader.Load(new Dictionary<string, string> { ["XEN_MULTIBRIDGE_CONFIG"] = path }).Hotplug.DeviceWait);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("[hotplug]\nthis is not ini\n", "multibridge.ini:2: expected 'key = value'")]
    [InlineData("[hotplug\n", "multibridge.ini:1: malformed section header")]
    [InlineData("key = 1\n", "multibridge.ini:1: key 'key' outside of any [section]")]
    [InlineData("[bridge:a]\n[bridge:a]\n", "multibridge.ini:2: duplicate section [bridge:a] (first at line 1)")]
    [InlineData("[hotplug]\ndevice_wait = 1\ndevice_wait = 2\n", "multibridge.ini:3: duplicate key 'device_wait'")]
    [InlineData("[hotplug]\ndevice_wait = soon\n", "multibridge.ini:2: [hotplug] device_wait: 'soon' is not a valid value")]
    [InlineData("[hotplug]\ndevce_wait = 1\n", "multibridge.ini:2: [hotplug] devce_wait: unknown key")]
    [InlineData("[frobnicate]\nx = 1\n", "unknown section [frobnicate]")]
    [InlineData("[bridge:a]\n[pool:p]\nbridges = a\nstrategy = fastest\n", "multibridge.ini:4: [pool:p] strategy: unknown strategy 'fastest'")]
    [InlineData("[pool:p]\nbridges =\n", "multibridge.ini:2: [pool:p] bridges: the pool is empty")]
    [InlineData("[pool:p]\nstrategy = sticky\n", "[pool:p] bridges: the pool is empty")]
    [InlineData("[bridge:a]\n[pool:p]\nbridges = a b\n", "multibridge.ini:3: [pool:p] bridges: 'b' is not declared")]
    [InlineData("[bridge:a]\n[pool:p]\nbridges = a\n[domain:x*]\npool = p\nbridge = a\n", "multibridge.ini:6: [domain:x*] bridge: a rule names either a pool or a bridge, not both")]
    [InlineData("[domain:x*]\npool = nope\n", "multibridge.ini:2: [domain:x*] pool: unknown pool 'nope'")]
    [InlineData("[bridge:a]\n[domain:x[y]\nbridge = a\n", "[domain:x[y]: invalid glob")]
    [InlineData("[bridge:a]\nweight = 0\n", "multibridge.ini:2: [bridge:a] weight: '0' is not a positive number")]
    [InlineData("[bridge:a]\nweight = -3\n", "[bridge:a] weight: '-3' is not a positive number")]
    [InlineData("[bridge:a]\nweight = heavy\n", "[bridge:a] weight: 'heavy' is not a positive number")]
    [InlineData("[bridge:a]\nmtu = 12\n", "[bridge:a] mtu: '12' is not an MTU")]
    [InlineData("[bridge:a]\nuplink = eth0\n[bridge:b]\nuplink = eth0\n", "multibridge.ini:4: [bridge:b] uplink: 'eth0' is already the uplink of [bridge:a]")]
    [InlineData("[bridge:averyveryverylongname]\n", "longer than 15 bytes")]
    [InlineData("[bridge:a]\nuplink = -eth0\n", "starts with '-'")]
    [InlineData("[policy]\ndefault_pool = nope\n", "[policy] default_pool: unknown pool 'nope'")]
    [InlineData("[policy]\nwhen_unhealthy = panic\n", "[policy] when_unhealthy: unknown value 'panic'")]
    [InlineData("[network]\nnaming = fancy\n", "[network] naming: unknown value 'fancy'")]
    [InlineData("[hotplug]\nnetwork_backend = carrier-pigeon\n", "[hotplug] network_backend: unknown value 'carrier-pigeon' (netlink or ip)")]
    public void Rejects_mistakes_naming_file_line_section_and_key(string ini, string expected)
    {
        Assert.Contains(expected, Fails(ini), StringComparison.Ordinal);
    }

    [Fact]
    public void Errors_from_the_environment_say_the_variable()
    {
        var message = Fails("", new() { ["XEN_MULTIBRIDGE_policy__when_unhealthy"] = "panic" });
        Assert.Contains("environment XEN_MULTIBRIDGE_policy__when_unhealthy", message, StringComparison.Ordinal);
    }
}
