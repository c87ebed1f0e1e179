namespace XenHotplug.Core.Balancing;

/// <summary>One planned port move: vif from one bridge to another, and the reason logged with it.</summary>
public sealed record Move(string Vif, string From, string To, MoveKind Kind, string Reason)
{
    /// <summary>The log line: "moved vif3.0 xenbr0 -> xenbr2: carrier lost on eth0".</summary>
    public override string ToString() => $"{Vif} {From} -> {To}: {Reason}";
}
