namespace XenHotplug.Core.Request;

/// <summary>
/// What the host says about one interface, as the identity guard needs it: whether it exists, is a bridge
/// or the loopback, its alias (our mark), its master, and whether it holds addresses (IPv4, or IPv6 beyond
/// link-local).
/// </summary>
public sealed record DeviceFacts(bool Exists, bool IsBridge, bool IsLoopback, string? Alias, string? Master, bool HoldsAddresses);
