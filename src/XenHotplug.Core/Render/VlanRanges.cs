using System.Globalization;
using XenHotplug.Core.Vlan;

namespace XenHotplug.Core.Render;

/// <summary>VLAN ids as the renderers write them: runs of consecutive ids as "A-B", the PVID apart.</summary>
public static class VlanRanges
{
    /// <summary>The tagged (non-PVID) VLANs of <paramref name="vlans"/> as "10", "20", "100-199", ascending.</summary>
    public static IReadOnlyList<string> Tagged(IReadOnlyList<VlanMember> vlans) => Runs(vlans.Where(v => !v.Pvid).Select(v => v.Vid));

    /// <summary>The port's PVID, or null for none.</summary>
    public static ushort? Pvid(IReadOnlyList<VlanMember> vlans) => vlans.FirstOrDefault(v => v.Pvid)?.Vid;

    public static IReadOnlyList<string> Runs(IEnumerable<ushort> vids)
    {
        var sorted = vids.Distinct().Order().ToArray();
        var runs = new List<string>();
        for (var i = 0; i < sorted.Length;)
        {
            var j = i;
            while (j + 1 < sorted.Length && sorted[j + 1] == sorted[j] + 1) j++;
            runs.Add(j == i ? N(sorted[i]) : $"{N(sorted[i])}-{N(sorted[j])}");
            i = j + 1;
        }
        return runs;
    }

    public static string N(int value) => value.ToString(CultureInfo.InvariantCulture);
}
