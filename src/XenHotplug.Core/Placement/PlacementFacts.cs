namespace XenHotplug.Core.Placement;

/// <summary>
/// What placement knows of the host beyond its interfaces, read by the host before deciding: the bridge the vif is
/// on now, each round-robin pool's cursor and the last measured traffic per bridge (bytes/s; null: none fresh).
/// </summary>
public sealed record PlacementFacts(string? CurrentMaster, IReadOnlyDictionary<string, long> Cursors, IReadOnlyDictionary<string, double>? Rates)
{
    public static readonly PlacementFacts None = new(null, new Dictionary<string, long>(), null);

    /// <summary>A pool's round-robin cursor (0 when none is stored).</summary>
    /// <summary>The VLAN ids the NIC asks for (vlan=, or a BR.TAG:TRUNKS name): only a bridge that carries them all can take it.</summary>
    public IReadOnlyList<ushort>? RequiredVids { get; init; }

    /// <summary>For each VLAN-filtering bridge, the VLAN ids its uplink ports (every port that is no guest's) carry; read only for a NIC with VLANs.</summary>
    public IReadOnlyDictionary<string, IReadOnlySet<ushort>>? UplinkVids { get; init; }

    public long Cursor(string pool) => Cursors.TryGetValue(pool, out var cursor) ? cursor : 0;
}
