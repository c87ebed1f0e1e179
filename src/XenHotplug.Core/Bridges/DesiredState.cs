namespace XenHotplug.Core.Bridges;

/// <summary>The desired end state of a change: interfaces as they must be, and bridges that must not exist.</summary>
public sealed record DesiredState(IReadOnlyList<LinkTarget> Links, IReadOnlyList<string> DeleteBridges)
{
    /// <summary>802.1Q devices that must not exist (a VLAN bridge's port start created), deleted once released.</summary>
    public IReadOnlyList<string> DeleteVlans { get; init; } = [];

    public static DesiredState Nothing { get; } = new([], []);
}
