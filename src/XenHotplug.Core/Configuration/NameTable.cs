namespace XenHotplug.Core.Configuration;

/// <summary>
/// The one place an enum's configuration words are spelled: parsing (case-insensitive), the word printed for a value,
/// and the list of words a refusal offers. Each enum the INI names has exactly one table.
/// </summary>
public sealed class NameTable<T>
    where T : struct
{
    private readonly (string Word, T Value)[] _entries;

    /// <summary>The first word given for a value is the one printed; later ones are accepted aliases.</summary>
    public NameTable(params (string Word, T Value)[] entries) => _entries = entries;

    /// <summary>The value a word names, or null.</summary>
    public T? Parse(string word)
    {
        foreach (var (w, v) in _entries)
        {
            if (string.Equals(w, word, StringComparison.OrdinalIgnoreCase)) return v;
        }
        return null;
    }

    /// <summary>The word for a value, as the configuration, the messages and explain write it.</summary>
    public string Name(T value)
    {
        foreach (var (w, v) in _entries)
        {
            if (EqualityComparer<T>.Default.Equals(v, value)) return w;
        }
        throw new ArgumentOutOfRangeException(nameof(value), value, "no word for this value");
    }

    /// <summary>"a, b or c": the words a refusal offers (aliases left out).</summary>
    public string Choices()
    {
        var words = new List<string>();
        var seen = new HashSet<T>();
        foreach (var (w, v) in _entries)
        {
            if (seen.Add(v)) words.Add(w);
        }
        return words.Count == 1 ? words[0] : string.Join(", ", words.Take(words.Count - 1)) + " or " + words[^1];
    }
}
