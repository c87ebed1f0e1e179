using XenHotplug.Core.Configuration;
using XenHotplug.Core.Failures;
using XenHotplug.Core.Naming;
using XenHotplug.Core.Network;
using XenHotplug.Core.Placement;
using XenHotplug.Core.Request;
using XenHotplug.Core.Vlan;

namespace XenHotplug.Core.Plan;

/// <summary>
/// The VLANs a guest NIC asks for: Xen's per-vif vlan= (4.19+), or a bridge= name in libvirt's and vif-openvswitch's
/// BR.TAG:TRUNKS form when no interface has that name as written (a bridge really named xenbr0.100 is used
/// verbatim, as vif-bridge does). Never silently ignored, as every stock script does: a guest meant for one VLAN
/// would land untagged on the bridge and reach what its VLAN should keep from it. A malformed value is refused naming
/// the key, the term and the rule; a request for a bridge that does not filter by VLAN is refused naming the bridge
/// and the way out (a shared bridge's vlan_filtering is never switched under its other guests). All before anything
/// changes.
/// </summary>
public sealed record VlanRequest(VlanSet Vlans, string Source)
{
    /// <summary>
    /// The settings placement sees (bridge= without its VLAN suffix) and the request, null when the NIC asks for none.
    /// </summary>
    public static (VifSettings Settings, VlanRequest? Request) Read(VifSettings settings, ISysfsNet host, string xenbusPath)
    {
        VlanRequest? fromKey = null;
        if (settings.Vlan is { } text)
        {
            var set = VlanSyntax.TryParse(text, out var error)
                ?? throw new HotplugException($"{error} (in {xenbusPath}/{VlanSyntax.Key})");
            fromKey = new VlanRequest(set, $"vlan={set} (in {xenbusPath}/{VlanSyntax.Key})");
        }
        if (settings.Bridge is not { } name || name.StartsWith(BridgePolicy.PoolPrefix, StringComparison.Ordinal)) return (settings, fromKey);
        var reading = BridgeNameReading.Read(name, host.Exists(name), out var nameError)
            ?? throw new HotplugException($"{nameError} (in {xenbusPath}/{BridgeVlanName.Key})");
        if (reading.Vlans is not { } named) return (settings, fromKey);
        if (fromKey is not null)
        {
            throw new HotplugException(
                $"bridge={name} (in {xenbusPath}/{BridgeVlanName.Key}) and {fromKey.Source}: two VLAN requests for one NIC; give the VLANs once, in vlan= or in the bridge name");
        }
        return (settings with { Bridge = reading.Bridge }, new VlanRequest(named, $"bridge={name} (in {xenbusPath}/{BridgeVlanName.Key})"));
    }

    /// <summary>
    /// The VLANs of the first [domain:GLOB] rule matching <paramref name="domainName"/> that sets vlan =, null when
    /// none does. Used only for a NIC whose VM config names none: the VM config wins over a rule.
    /// </summary>
    public static VlanRequest? FromRules(MultibridgeConfig config, string? domainName)
    {
        if (domainName is null) return null;
        foreach (var rule in config.DomainRules)
        {
            if (rule.Vlans is { } set && GlobPattern.TryParse(rule.Glob, out _)!.IsMatch(domainName))
                return new VlanRequest(set, $"vlan={set} (rule [domain:{rule.Glob}])");
        }
        return null;
    }

    /// <summary>
    /// The operations that give <paramref name="device"/>, a port of <paramref name="bridge"/> once enslaved, exactly
    /// these VLANs, each with its undo: the VLANs the port will have are <paramref name="current"/> when it already is
    /// a port of the bridge, else the bridge's default PVID, which the kernel gives every new port. The PVID first, so
    /// the port never lacks one it should have; the VLANs not asked for last.
    /// </summary>
    public IReadOnlyList<UndoableOp> PortOperations(string bridge, string device, ISysfsNet host, IReadOnlyList<VlanMember>? current)
    {
        if (!host.Exists(bridge))
        {
            throw new HotplugException(
                $"{Source} for bridge {bridge}: {bridge} does not exist yet, and a bridge made for the NIC would not filter VLANs; "
                + "create it VLAN-aware (vlan_filtering 1) first, or give the guest the bridge of its VLAN");
        }
        if (!host.FiltersVlans(bridge))
        {
            throw new HotplugException(
                $"{Source} for bridge {bridge}: {bridge} does not filter VLANs (vlan_filtering 0), so the NIC is refused rather than put on it untagged; "
                + "give the guest a VLAN-aware bridge (vlan_filtering 1) or the bridge of its VLAN");
        }
        var now = current ?? PortVlanChanges.OnJoining(host.DefaultPvid(bridge));
        var ops = PortVlanChanges.Between(device, Vlans.Members, now).Select(c => new UndoableOp(c.Do, [c.Undo])).ToList();
        return ops;
    }
}
