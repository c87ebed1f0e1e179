using System.Globalization;
using XenHotplug.Core.Failures;
using XenHotplug.Core.Naming;
using XenHotplug.Core.Network;
using XenHotplug.Core.Request;

namespace XenHotplug.Core.Plan;

/// <summary>
/// The operations of vif-bridge, computed without side effects. Online/add: mark and rename to vifname if one is
/// set, link down, MAC fe:ff:ff:ff:ff:ff, addresses flushed, MTU (backend mtu, else the bridge's),
/// enslave, the bridge-port isolated flag when asked for, link up, then frontend mtu and hotplug-status. Offline/remove: link down, leave the bridge
/// the device is really on.
/// </summary>
public static class VifPlanner
{
    /// <summary>The MAC every virtual bridge port gets: the highest non-broadcast one, so the bridge never takes it.</summary>
    public const string PortMac = "fe:ff:ff:ff:ff:ff";

    /// <summary>
    /// The name the device has now and the name it will have: the device as libxl named it, or the
    /// backend's vifname (with -emu for a tap). Throws when vifname belongs to another interface.
    /// </summary>
    public static (string Current, string Target) Names(HotplugRequest request, VifSettings settings, ISysfsNet sysfs)
    {
        if (settings.VifName is not { } vifname) return (request.Device, request.Device);
        var target = request.DeviceNameFor(vifname);
        if (InterfaceName.Problem(target) is { } problem)
            throw new HotplugException($"invalid vifname in {request.XenbusPath}/vifname: {problem}");
        if (target == request.Device) return (target, target);
        if (!request.IsAttach) return (sysfs.Exists(target) ? target : request.Device, target);
        if (sysfs.Exists(target))
        {
            // A second online: the device was renamed by us before (it carries our mark). Anything else
            // with that name is another guest's NIC or the host's, and is never touched.
            if (!sysfs.Exists(request.Device) && sysfs.InterfaceAlias(target) == request.OwnerAlias)
                return (target, target);
            throw new HotplugException($"cannot rename {request.Device} to {target}: an interface named {target} already exists");
        }
        return (request.Device, target);
    }

    /// <summary>The MTU to give the port: backend mtu if set (and valid), else the bridge's.</summary>
    public static int? ChooseMtu(VifSettings settings, int? bridgeMtu, string xenbusPath)
    {
        if (settings.Mtu is { } text)
        {
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var mtu) || mtu < 68 || mtu > 65535)
                throw new HotplugException($"invalid mtu '{text}' in {xenbusPath}/mtu (expected 68-65535)");
            return mtu;
        }
        return bridgeMtu is > 0 ? bridgeMtu : null;
    }

    public static VifPlan Attach(HotplugRequest request, VifSettings settings, string bridge, int? bridgeMtu, string current, string target, string? currentMaster, bool isolated = false)
    {
        var ops = new List<NetOp>();
        if (current != target)
        {
            // The mark first, on libxl's name: a hotplug killed between the two leaves a device that is this guest's
            // by either proof (its name, or the mark), never a renamed device without the mark.
            ops.Add(new LinkSetAlias(current, request.OwnerAlias));
            ops.Add(new LinkRename(current, target));
        }
        ops.Add(new LinkDown(target));
        ops.Add(new LinkSetMac(target, PortMac));
        ops.Add(new AddressFlush(target));
        var mtu = ChooseMtu(settings, bridgeMtu, request.XenbusPath);
        if (mtu is { } m) ops.Add(new LinkSetMtu(target, m));
        if (currentMaster != bridge) ops.Add(new LinkSetMaster(target, bridge));
        if (isolated) ops.Add(new LinkSetIsolated(target, true)); // on the port, before it comes up: never forwarding unisolated
        ops.Add(new LinkUp(target));

        var writes = new List<KeyValuePair<string, string>>();
        if (mtu is { } mm && request.Type == InterfaceType.Vif)
            writes.Add(new(request.FrontendPath + "/mtu", mm.ToString(CultureInfo.InvariantCulture)));
        if (request.Command == HotplugCommand.Online)
            writes.Add(new(request.XenbusPath + "/hotplug-status", "connected"));
        return new VifPlan(target, bridge, mtu, ops, writes);
    }

    public static VifPlan Detach(string device, string? master)
    {
        var ops = new List<NetOp> { new LinkDown(device) };
        if (master is not null) ops.Add(new LinkSetNoMaster(device));
        return new VifPlan(device, master, null, ops, []);
    }
}
