namespace XenHotplug.Core.Configuration;

/// <summary>A [domain:GLOB] section: guests whose name matches go to a pool or to one bridge, and/or get an antispoof mode.</summary>
public sealed record DomainRule(string Glob, string? Pool, string? Bridge)
{
    /// <summary>The antispoof mode for matching guests, or null when the rule does not set one.</summary>
    public AntispoofMode? Antispoof { get; init; }
}
