using XenHotplug.Core.Vlan;

namespace XenHotplug.Tests.Vlan;

public class BridgeVlanNameTests
{
    [Theory]
    [InlineData("xenbr0.100", "xenbr0", "100p")]
    [InlineData("xenbr0:10:20", "xenbr0", "10/20")]
    [InlineData("xenbr0.5:10:20", "xenbr0", "5p/10/20")]
    [InlineData("xenbr0.30:10:20", "xenbr0", "10/20/30p")]
    [InlineData("br.1", "br", "1p")]
    [InlineData("br:4094", "br", "4094")]
    [InlineData("br.0010", "br", "10p")]
    public void The_tagged_forms_give_the_bridge_and_its_vlans(string name, string bridge, string vlans)
    {
        var parsed = BridgeVlanName.TryParse(name, out var error);
        Assert.Null(error);
        Assert.NotNull(parsed);
        Assert.Equal(bridge, parsed.Bridge);
        Assert.Equal(vlans, parsed.Vlans!.ToString());
    }

    [Fact]
    public void An_access_port_is_pvid_and_untagged_and_a_trunk_has_no_pvid()
    {
        Assert.Equal([new VlanMember(100, true, true)], BridgeVlanName.TryParse("br.100", out _)!.Vlans!.Members);
        var trunk = BridgeVlanName.TryParse("br:10:20", out _)!.Vlans!;
        Assert.Null(trunk.Pvid);
        Assert.Equal([new VlanMember(10, false, false), new(20, false, false)], trunk.Members);
        var both = BridgeVlanName.TryParse("br.5:10", out _)!.Vlans!;
        Assert.Equal([new VlanMember(5, true, true), new(10, false, false)], both.Members);
    }

    [Fact]
    public void A_plain_name_has_no_vlans()
    {
        var parsed = BridgeVlanName.TryParse("xenbr0", out var error);
        Assert.Null(error);
        Assert.Equal(new BridgeVlanName("xenbr0", null), parsed);
    }

    [Theory]
    [InlineData("br.")]
    [InlineData("br:")]
    [InlineData(".10")]
    [InlineData(":10")]
    [InlineData("")]
    [InlineData("br.10.20")]
    [InlineData("br.a")]
    [InlineData("br.10:")]
    [InlineData("br::10")]
    [InlineData("br.10:20:")]
    [InlineData("br.-5")]
    [InlineData("br.\u0661\u0660")]
    [InlineData("br.10 ")]
    [InlineData("br:10.20")]
    [InlineData("br.10:x")]
    public void Names_not_of_the_form_are_not_read_as_vlans(string name)
    {
        Assert.Null(BridgeVlanName.TryParse(name, out var error));
        Assert.Null(error);
    }

    [Theory]
    [InlineData("br.0", "bridge: term '0' of 'br.0': a VLAN id is 1-4094")]
    [InlineData("br.4095", "bridge: term '4095' of 'br.4095': a VLAN id is 1-4094")]
    [InlineData("br:10:0", "bridge: term '0' of 'br:10:0': a VLAN id is 1-4094")]
    [InlineData("br.99999999999999999999", "bridge: term '99999999999999999999' of 'br.99999999999999999999': a VLAN id is 1-4094")]
    [InlineData("br:10:10", "bridge: term '10' of 'br:10:10': VLAN id 10 appears twice")]
    [InlineData("br.10:10", "bridge: term '10' of 'br.10:10': VLAN id 10 appears twice")]
    [InlineData("br.010:10", "bridge: term '10' of 'br.010:10': VLAN id 10 appears twice")]
    [InlineData("averyveryverylongbridge.10", "bridge: 'averyveryverylongbridge.10': 'averyveryverylongbridge' is longer than 15 bytes")]
    [InlineData("b r.10", "bridge: 'b r.10': ")]
    public void Tagged_names_with_bad_ids_are_refused_naming_the_key_and_the_term(string name, string start)
    {
        Assert.Null(BridgeVlanName.TryParse(name, out var error));
        Assert.NotNull(error);
        Assert.StartsWith(start, error);
    }

    [Fact]
    public void A_very_long_name_is_handled_in_one_short_line()
    {
        var trunks = "br" + string.Concat(Enumerable.Range(1, 4094).Select(i => ":" + i));
        Assert.Equal(4094, BridgeVlanName.TryParse(trunks, out _)!.Vlans!.Members.Count);
        var dup = trunks + ":1";
        Assert.Null(BridgeVlanName.TryParse(dup, out var error));
        Assert.True(error!.Length < 200, error);
        Assert.Null(BridgeVlanName.TryParse(new string('a', 1_000_000) + ".1", out var tooLong));
        Assert.Null(tooLong);
    }
}
