namespace XenHotplug.Core.Bridges;

/// <summary>The desired end state of a change: interfaces as they must be, and bridges that must not exist.</summary>
public sealed record DesiredState(IReadOnlyList<LinkTarget> Links, IReadOnlyList<string> DeleteBridges)
{
    /// <summary>
    /// Devices start created that must not exist any more — a VLAN bridge's 802.1Q port, a bond — deleted last, once
    /// their routes and addresses are off and their ports released.
    /// </summary>
    public IReadOnlyList<string> DeleteDevices { get; init; } = [];

    public static DesiredState Nothing { get; } = new([], []);
}
