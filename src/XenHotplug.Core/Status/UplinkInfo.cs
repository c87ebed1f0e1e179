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
    public const string Nic = "nic", Vlan = "vlan";

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
