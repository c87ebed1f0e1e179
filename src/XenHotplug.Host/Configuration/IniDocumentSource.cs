using Microsoft.Extensions.Configuration;
using XenHotplug.Core.Configuration;

namespace XenHotplug.Host.Configuration;

/// <summary>
/// The configuration file's layer: the values of an already parsed <see cref="IniDocument"/> (the one INI parser,
/// which keeps each key's line), so a message about a value from the file can name its file and line.
/// </summary>
public sealed class IniDocumentSource(IniDocument document) : ConfigurationProvider, IConfigurationSource
{
    public IniDocument Document { get; } = document;

    public IConfigurationProvider Build(IConfigurationBuilder builder) => this;

    public override void Load()
    {
        foreach (var (key, value) in Document.Values) Data[key] = value;
    }
}
