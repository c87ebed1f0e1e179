using XenHotplug.Host.Xenstore;

namespace XenHotplug.Tests.Xenstore;

public class XenstoreEndpointSelectorTests
{
    [Fact]
    public void Environment_variable_wins()
    {
        var endpoint = XenstoreEndpointSelector.Choose("/tmp/test.sock", _ => true);

        Assert.Equal(new XenstoreEndpoint("/tmp/test.sock", XenstoreEndpointKind.UnixSocket), endpoint);
    }

    [Fact]
    public void Environment_variable_naming_a_device_opens_the_device()
    {
        Assert.Equal(XenstoreEndpointKind.Device, XenstoreEndpointSelector.Choose("/dev/xen/xenbus", _ => true).Kind);
    }

    [Fact]
    public void Daemon_socket_when_it_exists()
    {
        var endpoint = XenstoreEndpointSelector.Choose(null, path => path == "/var/run/xenstored/socket");

        Assert.Equal(new XenstoreEndpoint("/var/run/xenstored/socket", XenstoreEndpointKind.UnixSocket), endpoint);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Xenbus_device_when_no_socket(string? environment)
    {
        var endpoint = XenstoreEndpointSelector.Choose(environment, _ => false);

        Assert.Equal(new XenstoreEndpoint("/dev/xen/xenbus", XenstoreEndpointKind.Device), endpoint);
    }
}
