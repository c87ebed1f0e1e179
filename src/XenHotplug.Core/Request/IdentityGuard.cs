using System.Globalization;
using XenHotplug.Core.Configuration;
using XenHotplug.Core.Failures;
using XenHotplug.Core.Naming;

namespace XenHotplug.Core.Request;

/// <summary>
/// The one place that decides whether a hotplug may act on a device: the request must describe one guest
/// NIC consistently (XENBUS_PATH is backend/vif/D/V, or /local/domain/B/backend/vif/D/V, and the device is
/// libxl's name for D.V: vifD.V, or vifD.V-emu for a tap), and a device is only renamed, downed, re-MACed
/// or detached when it is demonstrably this guest's (libxl's name for D.V, or carrying the mark set at
/// online) and is not a bridge, the loopback, or a declared bridge or uplink; a renamed device holding
/// addresses is refused too (libxl's own name is netback's device, whose addresses are flushed as vif-bridge does).
/// Everything else is refused with one line, before anything changes.
/// </summary>
public static class IdentityGuard
{
    /// <summary>The domain and device ids of a well-formed backend path, or null.</summary>
    public static (int DomainId, int DeviceId)? BackendIds(string xenbusPath)
    {
        var parts = xenbusPath.Split('/');
        int start;
        if (parts.Length == 4 && parts[0] == "backend") start = 0;
        else if (parts.Length == 8 && parts[0] == "" && parts[1] == "local" && parts[2] == "domain" && Id(parts[3]) is not null && parts[4] == "backend") start = 4;
        else return null;
        if (parts[start + 1] != "vif") return null;
        return Id(parts[start + 2]) is { } d && Id(parts[start + 3]) is { } v ? (d, v) : null;
    }

    /// <summary>True when the path has one of the shapes libxl passes.</summary>
    public static bool IsBackendPath(string xenbusPath) => BackendIds(xenbusPath) is not null;

    /// <summary>libxl's name for a NIC: vifD.V, or vifD.V-emu for the tap of an emulated NIC.</summary>
    public static string LibxlName(InterfaceType type, int domainId, int deviceId) =>
        string.Create(CultureInfo.InvariantCulture, $"vif{domainId}.{deviceId}") + (type == InterfaceType.Tap ? VifNames.TapSuffix : "");

    /// <summary>
    /// Checks that the request's device and backend path describe the same NIC; throws otherwise.
    /// Returns the ids taken from the backend path.
    /// </summary>
    public static (int DomainId, int DeviceId) CheckRequest(InterfaceType type, string device, string xenbusPath)
    {
        if (BackendIds(xenbusPath) is not { } ids)
            throw new IdentityException($"refusing XENBUS_PATH '{Quote(xenbusPath)}': expected backend/vif/DOMID/DEVID (or /local/domain/N/backend/vif/DOMID/DEVID)");
        var expected = LibxlName(type, ids.DomainId, ids.DeviceId);
        if (device != expected)
        {
            var variable = type == InterfaceType.Tap ? "INTERFACE" : "vif";
            throw new IdentityException($"refusing {variable}={Quote(device)}: XENBUS_PATH {xenbusPath} is NIC {ids.DomainId}.{ids.DeviceId}, whose device is {expected}");
        }
        return ids;
    }

    /// <summary>True when the device is this NIC's: libxl's name for it, or our mark set when we renamed it.</summary>
    public static bool IsTheGuests(HotplugRequest request, string name, DeviceFacts facts) =>
        name == request.Device || (facts.Alias is { } alias && alias == request.OwnerAlias);

    /// <summary>Why the device must not be touched for this request, or null when it may.</summary>
    public static string? WhyNot(HotplugRequest request, string name, DeviceFacts facts, MultibridgeConfig config)
    {
        var refuse = $"refusing to {(request.IsAttach ? "configure" : "detach")} {name}";
        if (facts.IsLoopback || name == "lo") return $"{refuse}: it is the loopback";
        foreach (var b in config.Bridges)
        {
            if (config.BridgeInterface(b.Name) == name) return $"{refuse}: it is the declared bridge {b.Name}";
            if (b.Uplink == name || config.UplinkPort(b.Name) == name) return $"{refuse}: it is the uplink of bridge {b.Name}";
        }
        if (facts.IsBridge) return $"{refuse}: it is a bridge, not NIC {request.DomainId}.{request.DeviceId}'s device";
        if (!IsTheGuests(request, name, facts))
        {
            return $"{refuse}: it is not NIC {request.DomainId}.{request.DeviceId}'s device (neither {request.Device} nor marked {request.OwnerAlias}"
                + (facts.Alias is { } a ? $"; its alias is '{Quote(a)}'" : "") + ")";
        }
        // libxl's own name for the NIC is netback's device: like vif-bridge, its addresses are flushed. Any
        // other name (reached through vifname or our mark) holding addresses is a host interface.
        if (facts.HoldsAddresses && name != request.Device) return $"{refuse}: it holds IP addresses, which a guest's port never does";
        return null;
    }

    /// <summary>Throws when <see cref="WhyNot"/> finds a reason.</summary>
    public static void Check(HotplugRequest request, string name, DeviceFacts facts, MultibridgeConfig config)
    {
        if (WhyNot(request, name, facts, config) is { } why) throw new HotplugException(why);
    }

    /// <summary>A value from the environment or xenstore as it may appear in a message: printable and cut.</summary>
    public static string Quote(string value, int max = 64)
    {
        var chars = new char[Math.Min(value.Length, max)];
        for (var i = 0; i < chars.Length; i++) chars[i] = char.IsControl(value[i]) || char.IsSurrogate(value[i]) ? '?' : value[i];
        return new string(chars) + (value.Length > max ? "..." : "");
    }

    private static int? Id(string text) =>
        text.Length is > 0 and <= 5 && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v <= 65535 && (text == "0" || text[0] != '0') ? v : null;
}
