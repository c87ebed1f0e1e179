using System.Globalization;
using System.Text;

namespace XenHotplug.Core.Vlan;

/// <summary>
/// The VLANs a guest's port carries, sorted by id, each id once, at most one PVID. Equal sets compare equal.
/// <see cref="ToString"/> is the canonical vlan= text (runs of ids with the same flags become A-B; the PVID is
/// marked 'p' even when alone), used by explain and --dry-run.
/// </summary>
public sealed class VlanSet : IEquatable<VlanSet>
{
    private readonly VlanMember[] _members;

    private VlanSet(VlanMember[] members) => _members = members;

    /// <summary>The set of <paramref name="members"/>; null with a reason when an id repeats, is out of range, or two are PVIDs.</summary>
    public static VlanSet? Create(IEnumerable<VlanMember> members, out string? error)
    {
        var sorted = members.OrderBy(m => m.Vid).ToArray();
        error = null;
        for (var i = 0; i < sorted.Length; i++)
        {
            if (sorted[i].Vid is < VlanMember.MinVid or > VlanMember.MaxVid)
                error = $"VLAN id {sorted[i].Vid}: a VLAN id is {VlanMember.MinVid}-{VlanMember.MaxVid}";
            else if (i > 0 && sorted[i].Vid == sorted[i - 1].Vid)
                error = $"VLAN id {sorted[i].Vid} appears twice";
            if (error is not null) return null;
        }
        if (sorted.Count(m => m.Pvid) > 1)
        {
            error = "more than one PVID";
            return null;
        }
        return new VlanSet([.. sorted.Select(m => m.Pvid && !m.Untagged ? m with { Untagged = true } : m)]);
    }

    /// <summary>Every VLAN, by id.</summary>
    public IReadOnlyList<VlanMember> Members => _members;

    /// <summary>The ids, ascending.</summary>
    public IEnumerable<ushort> Vids => _members.Select(m => m.Vid);

    /// <summary>The PVID, or null for a pure trunk (untagged frames are dropped).</summary>
    public ushort? Pvid => _members.FirstOrDefault(m => m.Pvid)?.Vid;

    public bool Contains(ushort vid) => _members.Any(m => m.Vid == vid);

    public bool Equals(VlanSet? other) => other is not null && _members.SequenceEqual(other._members);

    public override bool Equals(object? obj) => Equals(obj as VlanSet);

    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var m in _members) h.Add(m);
        return h.ToHashCode();
    }

    public static bool operator ==(VlanSet? a, VlanSet? b) => a is null ? b is null : a.Equals(b);

    public static bool operator !=(VlanSet? a, VlanSet? b) => !(a == b);

    public override string ToString()
    {
        var s = new StringBuilder();
        for (var i = 0; i < _members.Length;)
        {
            var first = _members[i];
            var j = i;
            if (!first.Pvid)
            {
                while (j + 1 < _members.Length && !_members[j + 1].Pvid && _members[j + 1].Vid == _members[j].Vid + 1
                    && _members[j + 1].Untagged == first.Untagged) j++;
            }
            if (s.Length > 0) s.Append('/');
            if (j == i) s.Append(first);
            else s.Append(first.Vid.ToString(CultureInfo.InvariantCulture)).Append('-').Append(_members[j].ToString());
            i = j + 1;
        }
        return s.ToString();
    }
}
