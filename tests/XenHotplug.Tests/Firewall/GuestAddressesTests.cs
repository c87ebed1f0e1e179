using XenHotplug.Core.Failures;
using XenHotplug.Core.Firewall;

namespace XenHotplug.Tests.Firewall;

public class GuestAddressesTests
{
    [Fact]
    public void Parses_addresses_and_prefixes_of_both_families_separated_by_spaces_or_commas()
    {
        var a = GuestAddresses.Parse(" 192.0.2.50,10.0.0.0/8  2001:db8::1 2001:db8:1::/48 192.0.2.50 198.51.100.7/32", "ip");
        Assert.Equal(["192.0.2.50", "10.0.0.0/8", "198.51.100.7"], a.V4);
        Assert.Equal(["2001:db8::1", "2001:db8:1::/48"], a.V6);
        Assert.True(GuestAddresses.Parse(null, "ip").IsEmpty);
    }

    [Theory]
    [InlineData("192.0.2.256", "invalid address")]
    [InlineData("web1", "invalid address")]
    [InlineData("10.0.0.5/24", "host bits set: write 10.0.0.5 for the one address or 10.0.0.0/24 for the network")]
    [InlineData("10.0.0.0/33", "invalid prefix length")]
    [InlineData("fe80::1%eth0", "invalid address")]
    public void Refuses_what_is_not_an_address_or_an_unambiguous_prefix(string text, string message)
    {
        var e = Assert.Throws<HotplugException>(() => GuestAddresses.Parse(text, "backend/vif/1/0/ip"));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.Contains("backend/vif/1/0/ip", e.Message, StringComparison.Ordinal);
    }
}
