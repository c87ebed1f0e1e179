using XenHotplug.Core.Failures;

namespace XenHotplug.Core.Configuration;

/// <summary>
/// An INI file parsed line by line (the one parser; Microsoft.Extensions.Configuration layers its values):
/// malformed lines and duplicate sections or keys are reported with their line number, inline
/// comments ("key = value   ; note", "[section]  ; note") are removed, and the line of every
/// key is kept so later validation can point at it.
/// </summary>
public sealed class IniDocument
{
    private readonly Dictionary<string, int> _lines = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, int> _sectionLines = new(StringComparer.OrdinalIgnoreCase);

    private IniDocument(string fileName) => FileName = fileName;

    /// <summary>Section names in the order the file gives them (rule order matters).</summary>
    public IReadOnlyList<string> Sections => _sectionOrder;

    private readonly List<string> _sectionOrder = [];

    /// <summary>The file name used in messages.</summary>
    public string FileName { get; }

    /// <summary>Every key as "section:key" with its value, in file order: what Microsoft.Extensions.Configuration layers.</summary>
    public IReadOnlyList<KeyValuePair<string, string?>> Values => _values;

    private readonly List<KeyValuePair<string, string?>> _values = [];

    /// <summary>Parses INI text; throws <see cref="ConfigException"/> naming the file and line.</summary>
    public static IniDocument Parse(string fileName, string text)
    {
        var doc = new IniDocument(fileName);
        var section = "";
        var lineNumber = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNumber++;
            var line = StripInlineComment(raw.TrimEnd('\r')).Trim();
            if (line.Length == 0 || line[0] is ';' or '#' or '/')
            {
                continue;
            }
            if (line[0] == '[')
            {
                if (line[^1] != ']' || line.Length < 3)
                    throw new ConfigException($"{fileName}:{lineNumber}: malformed section header '{line}'");
                section = line[1..^1].Trim();
                if (section.Length == 0 || section.StartsWith(':') || section.EndsWith(':'))
                    throw new ConfigException($"{fileName}:{lineNumber}: malformed section name '[{section}]'");
                if (doc._sectionLines.TryGetValue(section, out var first))
                    throw new ConfigException($"{fileName}:{lineNumber}: duplicate section [{section}] (first at line {first})");
                doc._sectionLines[section] = lineNumber;
                doc._sectionOrder.Add(section);
                continue;
            }
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
                throw new ConfigException($"{fileName}:{lineNumber}: expected 'key = value' or '[section]', found '{line}'");
            if (section.Length == 0)
                throw new ConfigException($"{fileName}:{lineNumber}: key '{line[..eq].Trim()}' outside of any [section]");
            var key = line[..eq].Trim();
            if (key.Contains(':', StringComparison.Ordinal))
                throw new ConfigException($"{fileName}:{lineNumber}: key '{key}' must not contain ':'");
            var full = section + ":" + key;
            if (doc._lines.TryGetValue(full, out var firstKey))
                throw new ConfigException($"{fileName}:{lineNumber}: duplicate key '{key}' in [{section}] (first at line {firstKey})");
            doc._lines[full] = lineNumber;
            doc._values.Add(new(full, Unquote(line[(eq + 1)..].Trim())));
        }
        return doc;
    }

    /// <summary>"file:line" for a key ("bridge:xenbr0", "uplink"), or the section's line, or just the file.</summary>
    public string Where(string section, string? key = null)
    {
        if (key is not null && _lines.TryGetValue(section + ":" + key, out var line))
            return $"{FileName}:{line}";
        if (_sectionLines.TryGetValue(section, out var sectionLine))
            return $"{FileName}:{sectionLine}";
        return FileName;
    }

    /// <summary>A value in double quotes loses them (as Microsoft.Extensions.Configuration.Ini did).</summary>
    private static string Unquote(string value) =>
        value.Length >= 2 && value[0] == '"' && value[^1] == '"' ? value[1..^1] : value;

    private static string StripInlineComment(string line)
    {
        // A ';' or '#' that follows white space starts a comment; values keep any other ';' or '#'.
        for (var i = 1; i < line.Length; i++)
        {
            if ((line[i] == ';' || line[i] == '#') && char.IsWhiteSpace(line[i - 1]))
                return line[..i];
        }
        return line;
    }
}
