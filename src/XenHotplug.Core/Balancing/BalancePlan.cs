namespace XenHotplug.Core.Balancing;

/// <summary>The moves of one pass, in order, and notes on what was left alone and why (what --dry-run prints).</summary>
public sealed record BalancePlan(IReadOnlyList<Move> Moves, IReadOnlyList<string> Notes);
