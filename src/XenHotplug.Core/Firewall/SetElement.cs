namespace XenHotplug.Core.Firewall;

/// <summary>One element of an interval set: a key in network byte order, and whether it ends an interval (NFT_SET_ELEM_INTERVAL_END).</summary>
public sealed record SetElement(IReadOnlyList<byte> Key, bool IntervalEnd);
