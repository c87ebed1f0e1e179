namespace XenHotplug.Core.Configuration;

/// <summary>A [domain:GLOB] section: guests whose name matches go to a pool or to one bridge.</summary>
public sealed record DomainRule(string Glob, string? Pool, string? Bridge);
