using System.Text;

namespace XenHotplug.Core.Failures;

/// <summary>Turns any failure into the one bounded, printable line both executables report.</summary>
public static class FailureText
{
    /// <summary>The longest line reported (hotplug-error, stderr, syslog): a few hundred bytes, never a file's content.</summary>
    public const int MaxLength = 400;

    /// <summary>
    /// The line for a failure: the message of a clean failure (or of an I/O, permission or time-out error the
    /// host caused), or "internal error: TYPE: message" for anything else — still one line, still reported.
    /// </summary>
    public static string Describe(Exception e) => e switch
    {
        XenHotplugException or IOException or UnauthorizedAccessException or TimeoutException => OneLine(e.Message),
        _ => OneLine($"internal error: {e.GetType().Name}: {e.Message}"),
    };

    /// <summary>
    /// One printable line of at most <see cref="MaxLength"/> characters: line breaks and other control characters
    /// become spaces or '?', runs of white space fold, and a longer text is cut with "...".
    /// </summary>
    public static string OneLine(string text)
    {
        var s = new StringBuilder(Math.Min(text.Length, MaxLength + 3));
        var space = false;
        foreach (var c in text)
        {
            if (c is '\n' or '\r' or '\t' or ' ')
            {
                space = s.Length > 0;
                continue;
            }
            if (space)
            {
                s.Append(' ');
                space = false;
            }
            s.Append(char.IsControl(c) || char.IsSurrogate(c) || c == '\uFFFD' ? '?' : c);
            if (s.Length >= MaxLength)
            {
                s.Append("...");
                break;
            }
        }
        return s.ToString();
    }
}
