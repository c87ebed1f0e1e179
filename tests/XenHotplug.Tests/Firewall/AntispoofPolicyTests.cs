using XenHotplug.Core.Configuration;
using XenHotplug.Core.Failures;
using XenHotplug.Core.Firewall;
using XenHotplug.Tests.Support;

namespace XenHotplug.Tests.Firewall;

public class AntispoofPolicyTests
{
    private static MultibridgeConfig Load(string ini) =>
        TestConfig.Load(ini, "/etc/xen/multibridge.ini");

    private const string Ini = """
        [policy]
        antispoof = mac
        [bridge:xenbr0]
        [bridge:xenbr1]
        [pool:dmz]
        bridges = xenbr1
        antispoof = ip
        [pool:lab]
        bridges = xenbr0
        [domain:web-*]
        antispoof = ip
        [domain:trusted-*]
        pool = lab
        antispoof = off
        [domain:db-*]
        pool = dmz
        """;

    [Fact]
    public void Default_is_off_so_nothing_changes_without_the_key()
    {
        var c = Load("[bridge:xenbr0]\n");
        Assert.Equal(AntispoofMode.Off, c.Antispoof);
        Assert.False(c.UsesAntispoof);
        Assert.Equal(AntispoofMode.Off, AntispoofPolicy.Decide(c, "any", null).Mode);
    }

    [Fact]
    public void Domain_rule_then_pool_then_policy()
    {
        var c = Load(Ini);
        Assert.True(c.UsesAntispoof);
        Assert.Equal((AntispoofMode.Ip, "[domain:web-*] antispoof"), AntispoofPolicy.Decide(c, "web-1", "lab"));
        Assert.Equal((AntispoofMode.Off, "[domain:trusted-*] antispoof"), AntispoofPolicy.Decide(c, "trusted-1", "dmz"));
        Assert.Equal((AntispoofMode.Ip, "[pool:dmz] antispoof"), AntispoofPolicy.Decide(c, "db-1", "dmz"));
        Assert.Equal((AntispoofMode.Mac, "[policy] antispoof"), AntispoofPolicy.Decide(c, "other", "lab"));
        Assert.Equal((AntispoofMode.Mac, "[policy] antispoof"), AntispoofPolicy.Decide(c, null, null));
    }

    [Fact]
    public void An_antispoof_only_rule_is_valid_and_places_nothing()
    {
        var c = Load(Ini);
        var rule = c.DomainRules[0];
        Assert.Equal(("web-*", null, null, AntispoofMode.Ip), (rule.Glob, rule.Pool, rule.Bridge, rule.Antispoof));
    }

    [Fact]
    public void Allow_router_and_dhcp_server_come_from_the_first_rule_that_says_then_the_pool_else_no()
    {
        var c = Load("""
            [policy]
            antispoof = ip
            [bridge:xenbr0]
            [pool:routers]
            bridges = xenbr0
            allow_router = yes
            [domain:gw-*]
            allow_dhcp_server = yes
            [domain:gw-2]
            allow_router = no
            [domain:*]
            allow_router = yes
            """);
        Assert.Equal((true, true), ServerPolicy.Decide(c, "gw-1", null));
        Assert.Equal((false, true), ServerPolicy.Decide(c, "gw-2", "routers"));
        Assert.Equal((true, false), ServerPolicy.Decide(c, "other", null));
        Assert.Equal((false, false), ServerPolicy.Decide(Load("[policy]\nantispoof = ip\n"), "other", null));
        Assert.Equal((true, false), ServerPolicy.Decide(Load("[bridge:xenbr0]\n[pool:r]\nbridges = xenbr0\nallow_router = yes\n"), "x", "r"));
    }

    [Theory]
    [InlineData("[policy]\nantispoof = yes\n", "[policy] antispoof: unknown value 'yes' (off, mac, ip, dhcp or disabled)")]
    [InlineData("[bridge:b]\n[pool:p]\nbridges = b\nantispoof = IPv4\n", "[pool:p] antispoof: unknown value 'IPv4'")]
    [InlineData("[domain:x]\nantispoof = strict\n", "[domain:x] antispoof: unknown value 'strict'")]
    [InlineData("[domain:x]\n", "neither 'pool' nor 'bridge' (nor 'antispoof', 'isolated'")]
    public void Wrong_values_are_named_with_their_section(string ini, string message)
    {
        var e = Assert.Throws<ConfigException>(() => Load(ini));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Modes_are_case_insensitive() => Assert.Equal(AntispoofMode.Ip, Load("[policy]\nantispoof = IP\n").Antispoof);
}
