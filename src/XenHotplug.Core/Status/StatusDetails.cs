using System.Globalization;
using System.Text;

namespace XenHotplug.Core.Status;

/// <summary>
/// The lines under the status table for bridges whose uplink is more than a NIC: a VLAN uplink's parent and id, a
/// VLAN-aware bridge's default PVID and the VLANs of its uplink and each guest vif (vlan= notation, wrapped to 80
/// columns). Plain NIC bridges add nothing, so a host without VLANs sees the table alone.
/// </summary>
public static class StatusDetails
{
    public const int Width = 80;

    public const string Legend = "VLANs: Np = PVID (untagged in and out), Nu = untagged, N = tagged";

    public static IEnumerable<string> Lines(IReadOnlyList<BridgeStatus> bridges)
    {
        var lines = new List<string>();
        var anyVlans = false;
        foreach (var b in bridges)
        {
            var bond = b.UplinkBondSlaves is { } slaves
                ? $"a bond ({b.UplinkBondMode ?? "mode unknown"}): {(slaves.Count == 0 ? "no slaves" : string.Join(", ", slaves))}" : null;
            if (b.UplinkKind == UplinkInfo.Vlan)
            {
                var id = b.UplinkVlanId?.ToString(CultureInfo.InvariantCulture) ?? "?";
                lines.AddRange(Wrap($"{b.Name}: uplink {b.Uplink ?? "-"} is VLAN {id} of {b.UplinkParent ?? "?"}" + (bond is null ? "" : ", " + bond)));
            }
            else if (bond is not null)
            {
                lines.AddRange(Wrap($"{b.Name}: uplink {b.Uplink ?? "-"} is {bond}"));
            }
            if (b.VlanAware != true) continue;
            var pvid = b.DefaultPvid switch
            {
                null => "default PVID unknown",
                0 => "no default PVID",
                var p => $"default PVID {p.Value.ToString(CultureInfo.InvariantCulture)}",
            };
            lines.Add($"{b.Name}: VLAN-aware, {pvid}");
            var ports = new List<(string Port, string Vlans)>();
            if (b.UplinkVlans is { } uplink) ports.Add(($"uplink {b.Uplink}", PortVlanStatus.Text(uplink)));
            foreach (var g in b.GuestVlans ?? []) ports.Add((g.Port, PortVlanStatus.Text(g.Vlans)));
            if (ports.Count == 0) continue;
            anyVlans = true;
            var column = ports.Max(p => p.Port.Length) + 4;
            foreach (var (port, vlans) in ports) lines.AddRange(Wrap(("  " + port).PadRight(column), vlans));
        }
        if (anyVlans) lines.Add(Legend);
        return lines;
    }

    /// <summary>A sentence broken between words so no line passes <see cref="Width"/> (continuations indented).</summary>
    private static IEnumerable<string> Wrap(string text)
    {
        var words = text.Split(' ');
        var line = new StringBuilder(words[0]);
        foreach (var word in words.Skip(1))
        {
            if (line.Length + 1 + word.Length > Width)
            {
                yield return line.ToString();
                line.Clear().Append("    ").Append(word);
            }
            else
            {
                line.Append(' ').Append(word);
            }
        }
        yield return line.ToString();
    }

    /// <summary><paramref name="lead"/> then the VLAN text, broken after a '/' so no line passes <see cref="Width"/>.</summary>
    private static IEnumerable<string> Wrap(string lead, string vlans)
    {
        var indent = new string(' ', lead.Length);
        var line = new StringBuilder(lead);
        var atStart = true;
        var terms = vlans.Split('/');
        for (var i = 0; i < terms.Length; i++)
        {
            var term = terms[i] + (i < terms.Length - 1 ? "/" : "");
            if (!atStart && line.Length + term.Length > Width)
            {
                yield return line.ToString();
                line.Clear().Append(indent);
            }
            line.Append(term);
            atStart = false;
        }
        yield return line.ToString();
    }
}
