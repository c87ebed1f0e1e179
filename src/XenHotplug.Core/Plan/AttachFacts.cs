using XenHotplug.Core.Network;
using XenHotplug.Core.Placement;
using XenHotplug.Core.Request;

namespace XenHotplug.Core.Plan;

/// <summary>
/// Everything an attach is planned from, read by the host once (under the attach lock): the backend's settings, the
/// host's interfaces as one snapshot, the device's name now and after the attach, what the identity guard decides
/// on (null: the device does not exist, as in a dry run before netback made it), what placement needs, and which
/// uplinks of declared bridges that do not exist yet hold addresses (such a bridge is network-multibridge's to make), and
/// the VLANs of a device that already is a port of a VLAN-filtering bridge (a second online).
/// </summary>
public sealed record AttachFacts(
    VifSettings Settings,
    ISysfsNet Host,
    string Current,
    string Target,
    DeviceFacts? Identity,
    PlacementFacts Placement,
    IReadOnlySet<string> UplinksWithAddresses)
{
    /// <summary>The VLANs of the device as a port of the bridge it is on, when it is on a vlan_filtering one and asks for VLANs (else null).</summary>
    public IReadOnlyList<Vlan.VlanMember>? PortVlans { get; init; }
}
