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
        var rules = AntispoofRules.Rules(Guard(AntispoofMode.Mac)).Select(r => r.Listing).ToList();
        Assert.Equal(2, rules.Count);
        Assert.Equal("ether saddr != 00:16:3e:00:01:00 counter drop comment \"source MAC\"", rules[0]);
        Assert.Equal("arp saddr ether != 00:16:3e:00:01:00 counter drop comment \"ARP sender MAC\"", rules[1]);
    }

    [Fact]
    public void RulesAreTheExpressionsNftGeneratesForThem()
    {
        // `nft --debug=netlink` of `ether saddr != 00:16:3e:00:01:00 counter drop` and of `arp saddr ether != ...`.
        var rules = AntispoofRules.Rules(Guard(AntispoofMode.Mac));
        byte[] mac = [0x00, 0x16, 0x3e, 0x00, 0x01, 0x00];
        Assert.Equal(
            ["NftPayloadLoad Link 6 6", "NftCompare False 00163e000100", "NftCounter", "NftImmediateVerdict False"],
            rules[0].Expressions.Select(Describe));
        Assert.Equal(
            ["NftPayloadLoad Link 12 2", "NftCompare True 0806", "NftPayloadLoad Network 8 6", "NftCompare False 00163e000100", "NftCounter", "NftImmediateVerdict False"],
            rules[1].Expressions.Select(Describe));
        Assert.Equal(
            ["NftMetaLoad 6", "NftVerdictLookup guarded"],
            AntispoofRules.Dispatch.Expressions.Select(Describe));
        Assert.Equal(mac, ((NftCompare)rules[0].Expressions[1]).Data);
    }

    [Fact]
    public void AnAllowListIsOneRuleOfInequalitiesAPrefixOffAByteBoundaryIsMasked()
    {
        var rules = AntispoofRules.Rules(Guard(AntispoofMode.Ip, "192.0.2.50 172.16.0.0/12"));
        var source = rules.Single(r => r.Comment == "IPv4 source");
        Assert.Equal(
            ["NftPayloadLoad Link 12 2", "NftCompare True 0800", "NftPayloadLoad Network 12 4", "NftCompare False c0000232",
             "NftPayloadLoad Network 12 4", "NftMask fff00000", "NftCompare False ac100000", "NftCounter", "NftImmediateVerdict False"],
            source.Expressions.Select(Describe));
        var arp = rules.Single(r => r.Comment == "ARP sender address");
        Assert.Equal("arp saddr ip != 192.0.2.50 arp saddr ip != 172.16.0.0/12 counter drop", arp.Text);
    }

    [Fact]
    public void IpModeAllowsTheListedAddressesTheLinkLocalAndDhcpAndDropsTheRest()
    {
        var rules = AntispoofRules.Rules(Guard(AntispoofMode.Ip, "192.0.2.50 10.1.0.0/24, 2001:db8::/64")).Select(r => r.Listing).ToList();
        Assert.Contains(rules, r => r.StartsWith("arp saddr ip != 192.0.2.50 arp saddr ip != 10.1.0.0/24 counter drop", StringComparison.Ordinal));
        Assert.Contains(rules, r => r.StartsWith("ip saddr != 192.0.2.50 ip saddr != 10.1.0.0/24 counter drop", StringComparison.Ordinal));
        Assert.Contains(rules, r => r.StartsWith("ip saddr 0.0.0.0 ip daddr 255.255.255.255 udp sport 68 udp dport 67 accept", StringComparison.Ordinal));
        Assert.Contains(rules, r => r.StartsWith("ip6 saddr != fe80::216:3eff:fe00:100 ip6 saddr != 2001:db8::/64 counter drop", StringComparison.Ordinal));
        Assert.Contains(rules, r => r.Contains("nd-neighbor-advert @th,64,128 != 0xfe8000000000000002163efffe000100 @th,64,128 & 0xffffffffffffffff0000000000000000 != 0x20010db8000000000000000000000000 counter drop", StringComparison.Ordinal));
        Assert.Equal(3, rules.Count(r => r.StartsWith("ip6 saddr :: icmpv6 type ", StringComparison.Ordinal)));
        Assert.StartsWith("counter drop", rules[^1], StringComparison.Ordinal);
        // the MAC checks come first, before anything is accepted
        Assert.StartsWith("ether saddr != ", rules[0], StringComparison.Ordinal);
    }

    [Fact]
    public void IpModeWithOnlyIpv6DropsAllIpv4ButDhcp()
    {
        var rules = AntispoofRules.Rules(Guard(AntispoofMode.Ip, "2001:db8::5")).Select(r => r.Listing).ToList();
        Assert.Contains(rules, r => r.StartsWith("ether type ip counter drop", StringComparison.Ordinal));
        Assert.Contains(rules, r => r.StartsWith("ether type arp counter drop", StringComparison.Ordinal));
        Assert.Contains(rules, r => r.Contains("@th,64,128 != 0x20010db8000000000000000000000005 counter", StringComparison.Ordinal));
    }

    [Fact]
    public void InstallIsOneTransactionThatReplacesTheChainAndTheElementOfOneInterface()
    {
        var text = AntispoofRules.Text(AntispoofRules.Install(Guard(AntispoofMode.Mac)));
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
        var lines = AntispoofRules.Text(AntispoofRules.Remove("web0")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
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

    private static string Describe(NftExpr e) => e switch
    {
        NftPayloadLoad p => $"NftPayloadLoad {p.Base} {p.Offset} {p.Length}",
        NftCompare c => $"NftCompare {c.Equal} {Convert.ToHexStringLower([.. c.Data])}",
        NftMask m => $"NftMask {Convert.ToHexStringLower([.. m.Mask])}",
        NftMetaLoad m => $"NftMetaLoad {m.Key}",
        NftVerdictLookup l => $"NftVerdictLookup {l.Map}",
        NftImmediateVerdict v => $"NftImmediateVerdict {v.Accept}",
        _ => e.GetType().Name,
    };

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
