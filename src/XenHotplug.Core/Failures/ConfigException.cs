namespace XenHotplug.Core.Failures;

/// <summary>The configuration file or environment is wrong; the message names the file, line, section and key.</summary>
public sealed class ConfigException : XenHotplugException
{
    public ConfigException() { }
    public ConfigException(string message) : base(message) { }
    public ConfigException(string message, Exception innerException) : base(message, innerException) { }
}
