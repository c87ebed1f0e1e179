using System.Globalization;
using XenHotplug.Core.Bridges;
using XenHotplug.Core.Network;

namespace XenHotplug.Core.Status;

/// <summary>
/// What a bridge's uplink is, for `status`: "nic" (a device without a link kind: a physical NIC), "vlan" (an 802.1Q
/// device, with its parent and VLAN id), or the kernel's own link kind (veth, dummy, bond, ...) as it reports it.
/// </summary>
public sealed record UplinkInfo(string Kind, string? Parent = null, int? VlanId = null)
{
    public const string Nic = "nic", Vlan = "vlan", Bond = "bond";

    /// <summary>The bond the uplink is, or is a VLAN of: its mode ("active-backup") and its slaves (null: no bond).</summary>
    public string? BondMode { get; init; }

    public IReadOnlyList<BondSlaveStatus>? BondSlaves { get; init; }

    /// <summary>The bond's health as placement and the balancer see it: up while one slave has link (a slave down is only a note).</summary>
    public string? BondNote => BondSlaves is { } slaves && slaves.Any(s => !s.LinkUp)
        ? $"{slaves.Count(s => s.LinkUp)} of {slaves.Count} slaves up" : null;

    /// <summary>The kind, with the bond under it (the uplink itself or a VLAN's parent) when <paramref name="state"/> has it.</summary>
    public static UplinkInfo? Of(BridgeSpec spec, LinkState? uplink, NetState state)
    {
        var info = Of(spec, uplink);
        var bond = uplink is { IsBond: true } ? uplink : info?.Parent is { } parent && state.ByName(parent) is { IsBond: true } p ? p : null;
        if (info is null || bond is null) return info;
        return info with
        {
            BondMode = bond.BondMode,
            BondSlaves = state.Links.Where(l => l.Master == bond.Name)
                .Select(l => new BondSlaveStatus(l.Name, l.SlaveState == "ACTIVE", l.SlaveMii != "DOWN" && l.Up))
                .OrderBy(l => l.Name, StringComparer.Ordinal).ToList(),
        };
    }

    /// <summary>The kind of the observed <paramref name="uplink"/>, or, when it is missing, what the spec declares (null for none or unknown).</summary>
    public static UplinkInfo? Of(BridgeSpec spec, LinkState? uplink)
    {
        if (uplink is not null)
        {
            return uplink.Kind switch
            {
                "vlan" => new UplinkInfo(Vlan, uplink.VlanParent, uplink.VlanId),
                null => new UplinkInfo(Nic),
                var kind => new UplinkInfo(kind),
            };
        }
        return spec.Vlan is { } vid && spec.Uplink is not null ? new UplinkInfo(Vlan, spec.Uplink, vid) : null;
    }

    /// <summary>"vlan 100 of bond0", "nic", "veth".</summary>
    public override string ToString() => Kind == Vlan
        ? $"vlan {VlanId?.ToString(CultureInfo.InvariantCulture) ?? "?"} of {Parent ?? "?"}"
        : Kind;
}
