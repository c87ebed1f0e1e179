using Microsoft.Extensions.Configuration;
using XenHotplug.Core.Configuration;
using XenHotplug.Core.Failures;
using XenHotplug.Host.Native;

namespace XenHotplug.Host.Configuration;

/// <summary>
/// Reads /etc/xen/multibridge.ini (or $XEN_MULTIBRIDGE_CONFIG): one parser (<see cref="IniDocument"/>, which
/// keeps line numbers) feeds Microsoft.Extensions.Configuration, the XEN_MULTIBRIDGE_&lt;Section&gt;__&lt;Key&gt;
/// environment overrides are layered on top, and <see cref="ConfigValidator"/> checks the result. Both
/// executables come through here with the process environment read once as a dictionary (so tests pass theirs).
/// </summary>
public static class ConfigLoader
{
    public const string DefaultPath = ConfigValidator.DefaultPath;
    public const string EnvironmentPrefix = "XEN_MULTIBRIDGE_";
    public const string PathVariable = "XEN_MULTIBRIDGE_CONFIG";
    public const string RunDirVariable = "XEN_MULTIBRIDGE_RUNDIR";

    /// <summary>The configuration file this environment names (the default when none).</summary>
    public static string PathFrom(IReadOnlyDictionary<string, string> environment) =>
        Lookup(environment, PathVariable) is { Length: > 0 } path ? path : DefaultPath;

    /// <summary>
    /// Loads the configuration. <paramref name="environment"/> is the process environment
    /// (<see cref="CommandLine.ProcessEnvironment"/>); a missing file means the defaults.
    /// </summary>
    public static MultibridgeConfig Load(IReadOnlyDictionary<string, string> environment)
    {
        var path = PathFrom(environment);
        IniDocument? document = null;
        if (FileOwner.Kind(path) is var kind && kind != FileKind.Missing)
        {
            if (kind == FileKind.Directory)
                throw new ConfigException($"{path} is a directory, not a configuration file");
            if (kind != FileKind.Regular)
                throw new ConfigException($"{path} is not a regular file (a FIFO, socket or device is never read)");
            var untrusted = FileOwner.WhyUntrusted(path);
            if (untrusted is not null)
                throw new ConfigException($"refusing configuration file: {untrusted}");
            string text;
            try
            {
                text = File.ReadAllText(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ConfigException($"cannot read {path}: {e.Message}", e);
            }
            document = IniDocument.Parse(path, text);
        }
        return Build(document, environment);
    }

    /// <summary>Builds and validates the configuration from an already parsed document (null: no file).</summary>
    public static MultibridgeConfig Build(IniDocument? document, IReadOnlyDictionary<string, string> environment)
    {
        var builder = new ConfigurationBuilder();
        if (document is not null) builder.AddInMemoryCollection(document.Values);
        builder.AddInMemoryCollection(EnvironmentOverrides(environment));
        return ConfigValidator.Validate(builder.Build(), document, Lookup(environment, RunDirVariable));
    }

    private static string? Lookup(IReadOnlyDictionary<string, string> environment, string name) =>
        environment.TryGetValue(name, out var v) ? v : null;

    /// <summary>XEN_MULTIBRIDGE_Section__Key=value becomes Section:Key (the EnvironmentVariables provider's rule, on a given environment).</summary>
    private static IEnumerable<KeyValuePair<string, string?>> EnvironmentOverrides(IReadOnlyDictionary<string, string> environment)
    {
        foreach (var (name, value) in environment)
        {
            if (name.StartsWith(EnvironmentPrefix, StringComparison.OrdinalIgnoreCase))
                yield return new(name[EnvironmentPrefix.Length..].Replace("__", ":", StringComparison.Ordinal), value);
        }
    }
}
