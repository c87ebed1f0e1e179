using XenHotplug.Core.Failures;
using XenHotplug.Core.Vlan;

namespace XenHotplug.Core.Plan;

/// <summary>
/// A guest NIC's vlan= (Xen 4.19+), until this version applies per-vif VLANs: never silently ignored, as every stock
/// script does, because a guest meant for one VLAN would land untagged on the bridge and reach what its VLAN should
/// keep from it. A malformed value is refused naming the key, the term and the rule; a valid one is refused naming
/// the bridge and the way out. Both before anything changes.
/// </summary>
public static class VlanRequest
{
    public static void Refuse(string text, string bridge, string xenbusPath)
    {
        var set = VlanSyntax.TryParse(text, out var error)
            ?? throw new HotplugException($"{error} (in {xenbusPath}/{VlanSyntax.Key})");
        throw new HotplugException(
            $"vlan={set} (in {xenbusPath}/{VlanSyntax.Key}) for bridge {bridge}: this version does not apply per-vif VLANs, "
            + "so the NIC is refused rather than put on the bridge untagged; remove vlan= or give the guest the bridge of its VLAN");
    }
}
