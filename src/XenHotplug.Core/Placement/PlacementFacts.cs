namespace XenHotplug.Core.Placement;

/// <summary>
/// What placement knows of the host beyond its interfaces, read by the host before deciding: the bridge the vif is
/// on now, each round-robin pool's cursor and the last measured traffic per bridge (bytes/s; null: none fresh).
/// </summary>
public sealed record PlacementFacts(string? CurrentMaster, IReadOnlyDictionary<string, long> Cursors, IReadOnlyDictionary<string, double>? Rates)
{
    public static readonly PlacementFacts None = new(null, new Dictionary<string, long>(), null);

    /// <summary>A pool's round-robin cursor (0 when none is stored).</summary>
    public long Cursor(string pool) => Cursors.TryGetValue(pool, out var cursor) ? cursor : 0;
}
