using System.Collections;

namespace XenHotplug.Host.CommandLine;

/// <summary>The process environment as a dictionary: what both executables hand to the configuration loader and the hotplug.</summary>
public static class ProcessEnvironment
{
    public static Dictionary<string, string> Read()
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry e in Environment.GetEnvironmentVariables())
        {
            if (e.Key is string k && e.Value is string v) result[k] = v;
        }
        return result;
    }
}
