namespace XenHotplug.Core.Balancing;

/// <summary>A move the balancer made (kept in the run directory: the move limit and the hold time count them).</summary>
public sealed record MoveRecord(string Vif, string From, string To, MoveKind Kind, DateTimeOffset At);
