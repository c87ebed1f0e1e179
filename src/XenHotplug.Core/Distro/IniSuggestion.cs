using System.Globalization;
using System.Text;

namespace XenHotplug.Core.Distro;

/// <summary>
/// The multibridge.ini `network-multibridge suggest` prints: one [bridge:xenbrN] per physical NIC with a carrier
/// (its current addressing in comments, and whether start may move it or the distribution should build the bridge),
/// a least-loaded pool of them all as the default, and libxl's xenbr0 routed through the policy. A template to edit.
/// A NIC with 802.1Q devices is a trunk: each VLAN device gets a VLAN bridge (uplink = NIC, vlan = N, uplink_name
/// when the device is not named NIC.N) instead of a bridge on the NIC, and no pool, its VLAN being a network of its own.
/// An existing bond is an uplink as a NIC is (its slaves get no bridge of their own).
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
        var vlanBridges = new List<string>();
        foreach (var nic in nics)
        {
            if (nic.Vlans.Count > 0 && nic.Bridge is null)
            {
                // A trunk: the bridges go on its VLANs (below), not on the NIC, which keeps its own addressing.
                bridges.Append($"# {nic.Name}: {string.Join(", ", Facts(nic))}\n")
                    .Append($"#   a trunk carrying {string.Join(", ", nic.Vlans)}: bridges on its VLANs follow; {nic.Name} itself keeps its addressing\n\n");
                continue;
            }
            var name = nic.Bridge;
            // A VLAN bridge is named after its VLAN (xenbr100 for VLAN 100) when that name is free.
            if (name is null && nic.VlanId is { } own && !used.Contains("xenbr" + N(own)))
            {
                name = "xenbr" + N(own);
                used.Add(name);
            }
            if (name is null)
            {
                while (used.Contains("xenbr" + next.ToString(CultureInfo.InvariantCulture))) next++;
                name = "xenbr" + next.ToString(CultureInfo.InvariantCulture);
                used.Add(name);
            }
            var facts = Facts(nic);
            if (nic.VlanParent is not null && nic.VlanId is { } id) facts.Insert(0, $"VLAN {N(id)} of {nic.VlanParent}");
            bridges.Append($"# {nic.Name}: {string.Join(", ", facts)}\n");
            if (nic.Bridge is not null) bridges.Append($"#   already a port of {nic.Bridge}\n");
            bridges.Append(nic.Refusal is null
                ? "#   static: 'network-multibridge start' can move its addressing onto the bridge\n"
                : $"#   {nic.Refusal}: build this bridge with 'network-multibridge render'\n");
            if (nic.VlanParent is { } parent && nic.VlanId is { } vid)
            {
                vlanBridges.Add(name);
                bridges.Append($"[bridge:{name}]\nuplink = {parent}\nvlan = {N(vid)}\n");
                if (nic.Name != $"{parent}.{N(vid)}") bridges.Append($"uplink_name = {nic.Name}\n");
                bridges.Append('\n');
                continue;
            }
            names.Add(name);
            bridges.Append($"[bridge:{name}]\nuplink = {nic.Name}\n");
            if (nic.SpeedMbps is { } s && nics.Where(n => n.SpeedMbps is not null).Min(n => n.SpeedMbps) is { } slowest && slowest > 0 && s / slowest > 1)
                bridges.Append($"weight = {(s / slowest).ToString(CultureInfo.InvariantCulture)}\n");
            bridges.Append('\n');
        }
        if (vlanBridges.Count > 0)
        {
            bridges.Append($"# {string.Join(' ', vlanBridges)}: each VLAN is a network of its own, so they are in no pool; a VM names\n")
                .Append("# its VLAN's bridge (vif = [ 'bridge=NAME' ]), or pool the bridges of one VLAN on several trunks.\n\n");
            if (names.Count == 0)
            {
                text.Append(bridges);
                return text.ToString();
            }
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

    private static List<string> Facts(SuggestedNic nic)
    {
        var facts = new List<string>();
        if (nic.BondMode is { } mode) facts.Add($"a bond ({mode}) of {(nic.BondSlaves.Count == 0 ? "no slaves" : string.Join(' ', nic.BondSlaves))}");
        if (nic.Mac is not null) facts.Add(nic.Mac);
        if (nic.SpeedMbps is { } speed) facts.Add(N(speed) + " Mb/s");
        facts.Add(nic.Addresses.Count > 0 ? string.Join(' ', nic.Addresses) : "no address");
        if (nic.Gateway is not null) facts.Add("default route via " + nic.Gateway);
        return facts;
    }

    private static string N(int value) => value.ToString(CultureInfo.InvariantCulture);
}
