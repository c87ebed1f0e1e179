namespace XenHotplug.Core.Naming;

/// <summary>A shell glob on guest names: '*', '?', and '[...]' classes (with '!' or '^' negation and ranges).</summary>
public sealed class GlobPattern
{
    private readonly string _pattern;

    private GlobPattern(string pattern) => _pattern = pattern;

    /// <summary>The pattern as written.</summary>
    public override string ToString() => _pattern;

    /// <summary>Checks the pattern; returns null and a reason when it is not a valid glob.</summary>
    public static GlobPattern? TryParse(string pattern, out string? error)
    {
        error = null;
        if (pattern.Length == 0)
        {
            error = "empty glob";
            return null;
        }
        for (var i = 0; i < pattern.Length; i++)
        {
            if (pattern[i] == '\\')
            {
                i++;
                if (i >= pattern.Length)
                {
                    error = $"glob '{pattern}' ends with a lone '\\'";
                    return null;
                }
            }
            else if (pattern[i] == '[')
            {
                var close = ClassEnd(pattern, i);
                if (close < 0)
                {
                    error = $"glob '{pattern}' has an unclosed '['";
                    return null;
                }
                i = close;
            }
        }
        return new GlobPattern(pattern);
    }

    /// <summary>True when the whole name matches.</summary>
    public bool IsMatch(string name) => Match(_pattern, 0, name, 0);

    private static bool Match(string p, int pi, string s, int si)
    {
        while (pi < p.Length)
        {
            var c = p[pi];
            if (c == '*')
            {
                while (pi < p.Length && p[pi] == '*') pi++;
                if (pi == p.Length) return true;
                for (var k = si; k <= s.Length; k++)
                {
                    if (Match(p, pi, s, k)) return true;
                }
                return false;
            }
            if (si >= s.Length) return false;
            if (c == '?')
            {
                pi++;
                si++;
                continue;
            }
            if (c == '[')
            {
                var close = ClassEnd(p, pi);
                if (!ClassMatches(p, pi + 1, close, s[si])) return false;
                pi = close + 1;
                si++;
                continue;
            }
            if (c == '\\') pi++;
            if (p[pi] != s[si]) return false;
            pi++;
            si++;
        }
        return si == s.Length;
    }

    private static int ClassEnd(string p, int open)
    {
        var i = open + 1;
        if (i < p.Length && (p[i] == '!' || p[i] == '^')) i++;
        if (i < p.Length && p[i] == ']') i++;
        for (; i < p.Length; i++)
        {
            if (p[i] == ']') return i;
        }
        return -1;
    }

    private static bool ClassMatches(string p, int start, int end, char c)
    {
        var negate = p[start] is '!' or '^';
        if (negate) start++;
        var found = false;
        for (var i = start; i < end; i++)
        {
            if (i + 2 < end && p[i + 1] == '-')
            {
                if (c >= p[i] && c <= p[i + 2]) found = true;
                i += 2;
            }
            else if (p[i] == c)
            {
                found = true;
            }
        }
        return found != negate;
    }
}
