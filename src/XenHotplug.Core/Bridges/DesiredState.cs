namespace XenHotplug.Core.Bridges;

/// <summary>The desired end state of a change: interfaces as they must be, and bridges that must not exist.</summary>
public sealed record DesiredState(IReadOnlyList<LinkTarget> Links, IReadOnlyList<string> DeleteBridges)
{
    public static DesiredState Nothing { get; } = new([], []);
}
