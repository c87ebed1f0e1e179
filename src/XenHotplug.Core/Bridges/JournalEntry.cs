using System.Text.Json;
using System.Text.Json.Serialization;

namespace XenHotplug.Bridges;

/// <summary>One bridge touched by a run: the links as they were before it was touched.</summary>
public sealed record JournalEntry(string Bridge, IReadOnlyList<LinkState> Before);
