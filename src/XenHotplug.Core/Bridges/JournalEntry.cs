using XenHotplug.Core.Network;

namespace XenHotplug.Core.Bridges;

/// <summary>One bridge touched by a run: the links as they were before it was touched.</summary>
public sealed record JournalEntry(string Bridge, IReadOnlyList<LinkState> Before);
