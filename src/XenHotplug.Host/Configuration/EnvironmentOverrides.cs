using Microsoft.Extensions.Configuration;

namespace XenHotplug.Host.Configuration;

/// <summary>
/// The environment's layer over the file: XEN_MULTIBRIDGE_Section__Key=value is Section:Key (the rule of
/// Microsoft.Extensions.Configuration's environment-variables provider, applied to the environment the program was
/// given, so tests pass theirs), and each key remembers the variable it came from for the messages.
/// </summary>
public sealed class EnvironmentOverrides(IReadOnlyDictionary<string, string> environment, string prefix) : ConfigurationProvider, IConfigurationSource
{
    private readonly Dictionary<string, string> _variables = new(StringComparer.OrdinalIgnoreCase);

    public IConfigurationProvider Build(IConfigurationBuilder builder) => this;

    public override void Load()
    {
        foreach (var (name, value) in environment)
        {
            if (!name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) continue;
            var key = name[prefix.Length..].Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal);
            Data[key] = value;
            _variables[key] = name;
        }
    }

    /// <summary>The variable that set <paramref name="key"/> ("hotplug:deadline"), or null.</summary>
    public string? VariableOf(string key) => _variables.TryGetValue(key, out var name) ? name : null;

    /// <summary>True when some variable sets a key of <paramref name="section"/> ("bridge:xenbr0").</summary>
    public bool Sets(string section) =>
        _variables.Keys.Any(k => k.StartsWith(section + ConfigurationPath.KeyDelimiter, StringComparison.OrdinalIgnoreCase));
}
