namespace XenHotplug.Core.Bridges;

/// <summary>What a run of start or stop is doing; present on disk only while it runs.</summary>
public sealed record JournalRecord(string Action, int ProcessId, DateTimeOffset Started, IReadOnlyList<JournalEntry> Entries);
