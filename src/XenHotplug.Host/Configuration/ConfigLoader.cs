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

    /// <summary>
    /// Builds and validates the configuration from an already parsed document (null: no file):
    /// Microsoft.Extensions.Configuration layers the environment over the file, and each message names the layer a
    /// value came from (the file and line, or the variable).
    /// </summary>
    public static MultibridgeConfig Build(IniDocument? document, IReadOnlyDictionary<string, string> environment)
    {
        var builder = new ConfigurationBuilder();
        var file = document is null ? null : new IniDocumentSource(document);
        if (file is not null) builder.Add(file);
        var overrides = new EnvironmentOverrides(environment, EnvironmentPrefix);
        builder.Add(overrides);
        var configuration = builder.Build();

        string Where(string section, string? key)
        {
            var variable = $"{EnvironmentPrefix}{section.Replace(":", "__", StringComparison.Ordinal)}";
            if (key is not null)
            {
                var path = section + ConfigurationPath.KeyDelimiter + key;
                if (overrides.VariableOf(path) is { } name) return "environment " + name;
                if (document is not null) return document.Where(section, key);
                return $"environment {variable}__{key}";
            }
            if (document is not null && (document.Sections.Contains(section, StringComparer.OrdinalIgnoreCase) || !overrides.Sets(section)))
                return document.Where(section);
            return "environment " + variable;
        }

        return ConfigValidator.Validate(configuration, Where, document?.Sections ?? [], document?.FileName, Lookup(environment, RunDirVariable));
    }

    private static string? Lookup(IReadOnlyDictionary<string, string> environment, string name) =>
        environment.TryGetValue(name, out var v) ? v : null;
}
