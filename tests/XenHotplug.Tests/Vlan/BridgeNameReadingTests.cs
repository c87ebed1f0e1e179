using XenHotplug.Core.Vlan;

namespace XenHotplug.Tests.Vlan;

public class BridgeNameReadingTests
{
    [Theory]
    [InlineData("xenbr0.100")]
    [InlineData("xenbr0:10")]
    [InlineData("br.0")]
    [InlineData("xenbr0")]
    public void A_bridge_that_exists_as_written_is_used_verbatim(string name)
    {
        Assert.Equal(new BridgeVlanName(name, null), BridgeNameReading.Read(name, existsAsWritten: true, out var error));
        Assert.Null(error);
    }

    [Fact]
    public void A_name_that_does_not_exist_is_read_as_bridge_tag_trunks()
    {
        var read = BridgeNameReading.Read("xenbr0.100:200", existsAsWritten: false, out var error);
        Assert.Null(error);
        Assert.Equal("xenbr0", read!.Bridge);
        Assert.Equal("100p/200", read.Vlans!.ToString());
    }

    [Theory]
    [InlineData("xenbr0")]
    [InlineData("br.a")]
    [InlineData("br.")]
    public void A_missing_name_not_of_the_form_is_returned_verbatim(string name)
    {
        Assert.Equal(new BridgeVlanName(name, null), BridgeNameReading.Read(name, existsAsWritten: false, out var error));
        Assert.Null(error);
    }

    [Fact]
    public void A_missing_name_with_bad_ids_is_refused()
    {
        Assert.Null(BridgeNameReading.Read("xenbr0.4095", existsAsWritten: false, out var error));
        Assert.StartsWith("bridge: term '4095'", error);
    }
}
