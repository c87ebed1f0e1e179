namespace XenHotplug.Core.Placement;

/// <summary>
/// least-loaded: the bridge whose load after this guest, divided by its weight, is smallest; ties go to
/// the heavier bridge, then to the pool's order (stable, so every host decides alike).
/// </summary>
public static class LeastLoadedStrategy
{
    public static BridgeCandidate Choose(IReadOnlyList<BridgeCandidate> candidates)
    {
        ArgumentOutOfRangeException.ThrowIfZero(candidates.Count);
        var best = candidates[0];
        for (var i = 1; i < candidates.Count; i++)
        {
            var c = candidates[i];
            var a = (c.Load + 1) / c.Weight;
            var b = (best.Load + 1) / best.Weight;
            if (a < b || (a == b && c.Weight > best.Weight)) best = c;
        }
        return best;
    }
}
