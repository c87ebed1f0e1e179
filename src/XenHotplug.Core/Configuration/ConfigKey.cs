namespace XenHotplug.Core.Configuration;

/// <summary>
/// One key of multibridge.ini, declared once in <see cref="ConfigSchema"/>: the section it belongs to (<c>hotplug</c>,
/// or the kind of a named section: <c>bridge</c> for [bridge:NAME]), its name, and the multibridge.ini(5) subsection
/// that documents it ("[hotplug]", "[bridge:NAME]"). The unknown-key check, the defaults and the documentation test all come from these declarations.
/// </summary>
public abstract record ConfigKey(string Section, string Name, string Documented);

/// <summary>Reads a key's trimmed, non-blank text: the value, or why the text is not one (then the value is unused).</summary>
public delegate string? ValueParser<T>(string text, out T value);

/// <summary>A key with its type, its value when absent, and how its text is read.</summary>
public sealed record ConfigKey<T>(string Section, string Name, T Default, ValueParser<T> Parse, string Documented)
    : ConfigKey(Section, Name, Documented);
