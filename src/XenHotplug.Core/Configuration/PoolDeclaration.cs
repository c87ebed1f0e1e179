namespace XenHotplug.Core.Configuration;

/// <summary>A [pool:NAME] section: bridges guests are spread over, and the strategy that spreads them.</summary>
public sealed record PoolDeclaration(string Name, IReadOnlyList<string> Bridges, PoolStrategy Strategy)
{
    /// <summary>The antispoof mode for NICs placed through this pool, or null when the pool does not set one.</summary>
    public AntispoofMode? Antispoof { get; init; }
}
