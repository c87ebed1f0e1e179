using XenHotplug.Core.Configuration;
using XenHotplug.Core.Failures;
using XenHotplug.Core.Firewall;

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
    public void ChainNamesEscapeEverythingButLettersAndDigitsAndDecodeBack(string name, string chain)
    {
        Assert.Equal(chain, AntispoofRules.ChainName(name));
        Assert.Equal(name, AntispoofRules.InterfaceOf(chain));
    }

    [Fact]
    public void ChainNamesOfDistinctInterfacesNeverCollide()
    {
        Assert.NotEqual(AntispoofRules.ChainName("a.b"), AntispoofRules.ChainName("a_2eb"));
        Assert.Null(AntispoofRules.InterfaceOf("prerouting"));
    }

    [Fact]
    public void MacModeChecksOnlyTheSourceMacAndTheArpSender()
    {
        var rules = AntispoofRules.Rules(Guard(AntispoofMode.Mac));
        Assert.Equal(2, rules.Count);
        Assert.StartsWith("ether saddr != 00:16:3e:00:01:00 counter drop", rules[0], StringComparison.Ordinal);
        Assert.StartsWith("ether type arp arp saddr ether != 00:16:3e:00:01:00 counter drop", rules[1], StringComparison.Ordinal);
    }

    [Fact]
    public void IpModeAllowsTheListedAddressesTheLinkLocalAndDhcpAndDropsTheRest()
    {
        var rules = AntispoofRules.Rules(Guard(AntispoofMode.Ip, "192.0.2.50 10.1.0.0/24, 2001:db8::/64"));
        Assert.Contains(rules, r => r.StartsWith("ether type arp arp saddr ip != { 192.0.2.50, 10.1.0.0/24 } counter drop", StringComparison.Ordinal));
        Assert.Contains(rules, r => r.StartsWith("ether type ip ip saddr != { 192.0.2.50, 10.1.0.0/24 } counter drop", StringComparison.Ordinal));
        Assert.Contains(rules, r => r.StartsWith("ether type ip ip saddr 0.0.0.0 ip daddr 255.255.255.255 udp sport 68 udp dport 67 accept", StringComparison.Ordinal));
        Assert.Contains(rules, r => r.StartsWith("ether type ip6 ip6 saddr != { fe80::216:3eff:fe00:100, 2001:db8::/64 } counter drop", StringComparison.Ordinal));
        Assert.Contains(rules, r => r.Contains("nd-neighbor-advert @th,64,128 != { 0xfe8000000000000002163efffe000100, 0x20010db8000000000000000000000000-0x20010db800000000ffffffffffffffff }", StringComparison.Ordinal));
        Assert.StartsWith("counter drop", rules[^1], StringComparison.Ordinal);
        // the MAC checks come first, before anything is accepted
        Assert.StartsWith("ether saddr != ", rules[0], StringComparison.Ordinal);
    }

    [Fact]
    public void IpModeWithOnlyIpv6DropsAllIpv4ButDhcp()
    {
        var rules = AntispoofRules.Rules(Guard(AntispoofMode.Ip, "2001:db8::5"));
        Assert.Contains(rules, r => r.StartsWith("ether type ip counter drop", StringComparison.Ordinal));
        Assert.Contains(rules, r => r.StartsWith("ether type arp counter drop", StringComparison.Ordinal));
        Assert.Contains(rules, r => r.Contains("0x20010db8000000000000000000000005 }", StringComparison.Ordinal));
    }

    [Fact]
    public void InstallIsOneTransactionThatReplacesTheChainAndTheElementOfOneInterface()
    {
        var text = AntispoofRules.Install(Guard(AntispoofMode.Mac));
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("add table bridge xen_multibridge", lines[0]);
        Assert.Contains("add chain bridge xen_multibridge prerouting { type filter hook prerouting priority filter; policy accept; }", lines);
        Assert.Contains("flush chain bridge xen_multibridge prerouting", lines);
        Assert.Single(lines, l => l == "add rule bridge xen_multibridge prerouting iifname vmap @guarded");
        Assert.Contains("flush chain bridge xen_multibridge vif_vif1_2e0", lines);
        Assert.Equal("add element bridge xen_multibridge guarded { \"vif1.0\" : jump vif_vif1_2e0 }", lines[^1]);
        Assert.All(lines, l => Assert.Contains("bridge xen_multibridge", l, StringComparison.Ordinal));
    }

    [Fact]
    public void RemoveDeclaresBeforeDeletingSoItSucceedsWhetherOrNotTheGuardExists()
    {
        var lines = AntispoofRules.Remove("web0").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(
        [
            "add chain bridge xen_multibridge vif_web0",
            "add element bridge xen_multibridge guarded { \"web0\" : jump vif_web0 }",
            "delete element bridge xen_multibridge guarded { \"web0\" }",
            "flush chain bridge xen_multibridge vif_web0",
            "delete chain bridge xen_multibridge vif_web0",
        ], lines[3..]);
        Assert.DoesNotContain(lines, l => l.Contains("flush chain bridge xen_multibridge prerouting", StringComparison.Ordinal));
    }

    [Fact]
    public void GuardNeedsAMacAndForIpModeAnAddress()
    {
        Assert.Contains("mac is not set", Assert.Throws<HotplugException>(() => VifGuard.Create(AntispoofMode.Mac, "vif1.0", null, null, "backend/vif/1/0")).Message, StringComparison.Ordinal);
        Assert.Contains("invalid MAC", Assert.Throws<HotplugException>(() => VifGuard.Create(AntispoofMode.Mac, "vif1.0", "00:16:3e:00:01", null, "backend/vif/1/0")).Message, StringComparison.Ordinal);
        Assert.Contains("ip is empty", Assert.Throws<HotplugException>(() => VifGuard.Create(AntispoofMode.Ip, "vif1.0", "00:16:3e:00:01:00", " ", "backend/vif/1/0")).Message, StringComparison.Ordinal);
        Assert.NotNull(VifGuard.Create(AntispoofMode.Mac, "vif1.0", "00:16:3e:00:01:00", null, "backend/vif/1/0"));
    }

    [Fact]
    public void LinkLocalIsTheModifiedEui64OfTheMac()
    {
        Assert.Equal("fe80::216:3eff:fe12:3456", VifGuard.LinkLocalOf(VifGuard.ParseMac("00:16:3e:12:34:56")!));
        Assert.Equal("fe80::ff:fe00:1", VifGuard.LinkLocalOf(VifGuard.ParseMac("02:00:00:00:00:01")!));
    }
}
