using Serilog.Events;
using Serilog.Parsing;
using XenHotplug.Host.Logging;

namespace XenHotplug.Tests.Logging;

public class MessageTextTests
{
    [Fact]
    public void String_properties_are_not_quoted()
    {
        var template = new MessageTemplateParser().Parse("{Command} {Device} on {Bridge} mtu {Mtu}");
        var e = new LogEvent(DateTimeOffset.UnixEpoch, LogEventLevel.Information, null, template, [
            new LogEventProperty("Command", new ScalarValue("online")),
            new LogEventProperty("Device", new ScalarValue("vif3.0")),
            new LogEventProperty("Bridge", new ScalarValue("xenbr1")),
            new LogEventProperty("Mtu", new ScalarValue(1500)),
        ]);
        Assert.Equal("online vif3.0 on xenbr1 mtu 1500", MessageText.Render(e));
    }
}
