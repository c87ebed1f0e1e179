using System.Globalization;
using System.Text;
using Serilog.Events;
using Serilog.Parsing;

namespace XenHotplug.Host.Logging;

/// <summary>Renders a log event's message for people: string properties without Serilog's quotes.</summary>
public static class MessageText
{
    public static string Render(LogEvent logEvent)
    {
        var text = new StringBuilder();
        foreach (var token in logEvent.MessageTemplate.Tokens)
        {
            if (token is TextToken t)
                text.Append(t.Text);
            else if (token is PropertyToken p && logEvent.Properties.TryGetValue(p.PropertyName, out var value))
                text.Append(value is ScalarValue { Value: string s } ? s : value.ToString(null, CultureInfo.InvariantCulture));
            else
                text.Append(token.ToString());
        }
        if (logEvent.Exception is { } e && !text.ToString().Contains(e.Message, StringComparison.Ordinal))
            text.Append(": ").Append(e.Message);
        return text.ToString().ReplaceLineEndings(" ");
    }
}
