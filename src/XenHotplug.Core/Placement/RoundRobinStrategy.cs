namespace XenHotplug.Core.Placement;

/// <summary>round-robin: the pool's bridges in turn, from a cursor kept per pool; unhealthy ones are passed over.</summary>
public static class RoundRobinStrategy
{
    /// <summary>The choice and the cursor to store for the next guest.</summary>
    public static (BridgeCandidate Choice, long NextCursor) Choose(IReadOnlyList<BridgeCandidate> poolOrder, long cursor, Func<BridgeCandidate, bool> eligible)
    {
        ArgumentOutOfRangeException.ThrowIfZero(poolOrder.Count);
        var n = poolOrder.Count;
        var start = (int)(((cursor % n) + n) % n);
        for (var k = 0; k < n; k++)
        {
            var i = (start + k) % n;
            if (eligible(poolOrder[i])) return (poolOrder[i], i + 1L);
        }
        return (poolOrder[start], start + 1L);
    }
}
