using XenHotplug.Core.Configuration;
using XenHotplug.Core.Firewall;
using XenHotplug.Core.Vlan;

namespace XenHotplug.Tests.Firewall;

/// <summary>A guarded NIC with VLANs: tagged frames only on its own VIDs, and every check inside the tag.</summary>
public sealed class AntispoofVlanRulesTests
{
    private static VifGuard Guard(AntispoofMode mode, string vlans) =>
        VifGuard.Create(mode, "vif1.0", "00:16:3e:00:01:00", "192.0.2.50", "backend/vif/1/0") with { Vlans = VlanSyntax.TryParse(vlans, out _) };

    [Fact]
    public void Other_vids_are_the_runs_around_the_nics_own_and_include_vid_0()
    {
        Assert.Equal([(0, 9), (11, 19), (21, 4095)], AntispoofRules.OtherVids(VlanSyntax.TryParse("10p/20", out _)!));
        Assert.Equal([(0, 0), (4095, 4095)], AntispoofRules.OtherVids(VlanSyntax.TryParse("1p/2-4094", out _)!));
    }

    [Theory]
    [InlineData(AntispoofMode.Mac)]
    [InlineData(AntispoofMode.Ip)]
    public void Tags_pass_only_on_the_nics_vids_and_qinq_never_does(AntispoofMode mode)
    {
        var rules = AntispoofRules.Rules(Guard(mode, "10p/20")).Select(r => r.Listing).ToList();
        Assert.Equal(
            [
                "ether type 8021ad counter drop comment \"VLAN tag 8021ad: no QinQ on this vif\"",
                "ether type 0x9100 counter drop comment \"VLAN tag 0x9100: no QinQ on this vif\"",
                "ether type 8021q vlan id 0-9 counter drop comment \"VLANs 0-9 are not this vif's\"",
                "ether type 8021q vlan id 11-19 counter drop comment \"VLANs 11-19 are not this vif's\"",
                "ether type 8021q vlan id 21-4095 counter drop comment \"VLANs 21-4095 are not this vif's\"",
                "meta protocol 8021q counter drop comment \"a second 802.1Q tag (QinQ)\"",
                "ether saddr != 00:16:3e:00:01:00 counter drop comment \"source MAC\"",
            ],
            rules[..7]);
    }

    [Fact]
    public void Every_protocol_match_reads_the_type_inside_the_tag()
    {
        var rules = AntispoofRules.Rules(Guard(AntispoofMode.Ip, "10p/20"));
        // No rule after the tag rules matches the link layer's type (which a tagged frame has as 0x8100).
        foreach (var rule in rules.Skip(5))
        {
            var loads = rule.Expressions.OfType<NftPayloadLoad>().Where(l => l.Base == NftPayloadBase.Link && l.Offset == 12);
            Assert.Empty(loads);
        }
        var arp = rules.Single(r => r.Comment == "ARP sender address");
        Assert.Equal(["meta load 1", "cmp eq 0806"], arp.Expressions.Take(2).Select(Show));
    }

    [Fact]
    public void A_vid_range_is_the_masked_tag_between_two_bounds()
    {
        var rule = AntispoofRules.Rules(Guard(AntispoofMode.Mac, "10")).Single(r => r.Comment == "VLANs 11-4095 are not this vif's");
        Assert.Equal(
            ["payload load 2b @ Link + 12", "cmp eq 8100", "payload load 2b @ Link + 14", "bitwise & 0fff", "cmp gte 000b", "cmp lte 0fff", "counter", "immediate drop"],
            rule.Expressions.Select(Show));
    }

    /// <summary>An expression as `nft --debug=netlink` would show it, roughly (records holding byte lists compare by reference).</summary>
    private static string Show(NftExpr e) => e switch
    {
        NftMetaLoad m => $"meta load {m.Key}",
        NftPayloadLoad p => $"payload load {p.Length}b @ {p.Base} + {p.Offset}",
        NftMask m => "bitwise & " + Convert.ToHexStringLower([.. m.Mask]),
        NftCompare c => (c.Equal ? "cmp eq " : "cmp neq ") + Convert.ToHexStringLower([.. c.Data]),
        NftCompareBound b => (b.AtLeast ? "cmp gte " : "cmp lte ") + Convert.ToHexStringLower([.. b.Data]),
        NftCounter => "counter",
        NftImmediateVerdict v => v.Accept ? "immediate accept" : "immediate drop",
        _ => e.GetType().Name,
    };

    [Fact]
    public void Without_vlans_every_tag_is_dropped_as_before()
    {
        var rules = AntispoofRules.Rules(VifGuard.Create(AntispoofMode.Mac, "vif1.0", "00:16:3e:00:01:00", null, "backend/vif/1/0"));
        Assert.Equal("ether type 8021q counter drop comment \"VLAN tag 8021q: no VLANs on this vif\"", rules[0].Listing);
        Assert.DoesNotContain(rules, r => r.Expressions.Contains(new NftMetaLoad(NftMetaLoad.Protocol)));
    }
}
