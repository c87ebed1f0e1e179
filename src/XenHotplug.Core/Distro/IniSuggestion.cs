using System.Globalization;
using System.Text;

namespace XenHotplug.Core.Distro;

/// <summary>
/// The multibridge.ini `network-multibridge suggest` prints: one [bridge:xenbrN] per physical NIC with a carrier
/// (its current addressing in comments, and whether start may move it or the distribution should build the bridge),
/// a least-loaded pool of them all as the default, and libxl's xenbr0 routed through the policy. A template to edit.
/// </summary>
public static class IniSuggestion
{
    public static string Render(IReadOnlyList<SuggestedNic> nics, string configPath)
    {
        var text = new StringBuilder();
        text.Append($"# {configPath} suggested by 'network-multibridge suggest' for the NICs this host has now.\n")
            .Append("# A template: check the names, weights and pools, then install it (root-owned, mode 0644).\n")
            .Append("# Static addressing: 'network-multibridge start' builds the bridges. Addressing by DHCP or by\n")
            .Append("# NetworkManager/systemd-networkd/ifupdown: let them build the bridges from 'network-multibridge render'.\n\n");
        var names = new List<string>();
        var used = new HashSet<string>(nics.Select(n => n.Bridge).OfType<string>(), StringComparer.Ordinal);
        var next = 0;
        var bridges = new StringBuilder();
        foreach (var nic in nics)
        {
            var name = nic.Bridge;
            if (name is null)
            {
                while (used.Contains("xenbr" + next.ToString(CultureInfo.InvariantCulture))) next++;
                name = "xenbr" + next.ToString(CultureInfo.InvariantCulture);
                used.Add(name);
            }
            names.Add(name);
            var facts = new List<string>();
            if (nic.Mac is not null) facts.Add(nic.Mac);
            if (nic.SpeedMbps is { } speed) facts.Add(speed.ToString(CultureInfo.InvariantCulture) + " Mb/s");
            facts.Add(nic.Addresses.Count > 0 ? string.Join(' ', nic.Addresses) : "no address");
            if (nic.Gateway is not null) facts.Add("default route via " + nic.Gateway);
            bridges.Append($"# {nic.Name}: {string.Join(", ", facts)}\n");
            if (nic.Bridge is not null) bridges.Append($"#   already a port of {nic.Bridge}\n");
            bridges.Append(nic.Refusal is null
                ? "#   static: 'network-multibridge start' can move its addressing onto the bridge\n"
                : $"#   {nic.Refusal}: build this bridge with 'network-multibridge render'\n");
            bridges.Append($"[bridge:{name}]\nuplink = {nic.Name}\n");
            if (nic.SpeedMbps is { } s && nics.Where(n => n.SpeedMbps is not null).Min(n => n.SpeedMbps) is { } slowest && slowest > 0 && s / slowest > 1)
                bridges.Append($"weight = {(s / slowest).ToString(CultureInfo.InvariantCulture)}\n");
            bridges.Append('\n');
        }
        if (nics.Count == 0)
        {
            bridges.Append("# No physical NIC with a carrier was found: a host-only bridge (guests reach each other and dom0).\n")
                .Append("[bridge:xenbr0]\n\n");
            names.Add("xenbr0");
        }
        text.Append("[policy]\n")
            .Append("auto_bridge = xenbr0          ; a VM naming no bridge (libxl writes xenbr0) gets one from the pool\n")
            .Append("default_pool = default\n\n")
            .Append(bridges)
            .Append("[pool:default]\n")
            .Append($"bridges = {string.Join(' ', names)}\n")
            .Append("strategy = least-loaded       ; least-loaded | round-robin | sticky\n");
        return text.ToString();
    }
}
