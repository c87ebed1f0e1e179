namespace XenHotplug.Core.Placement;

/// <summary>One bridge of a pool as the policy sees it now: guest vifs attached, weight, health.</summary>
public sealed record BridgeCandidate(string Name, int Load, double Weight, bool Healthy, string Health, bool Exists);
