namespace XenHotplug.Core.Status;

/// <summary>The --json document.</summary>
public sealed record StatusDocument(bool Healthy, IReadOnlyList<BridgeStatus> Bridges, string? Config = null);
