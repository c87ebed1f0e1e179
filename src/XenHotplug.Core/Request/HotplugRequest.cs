using XenHotplug.Core.Naming;
using XenHotplug.Core.Network;

namespace XenHotplug.Core.Request;

/// <summary>
/// One parsed invocation of the vif-script. <see cref="Device"/> is the kernel name libxl gave
/// (vifD.V, or vifD.V-emu for a tap); <see cref="XenbusPath"/> the backend node, relative or absolute.
/// </summary>
public sealed record HotplugRequest(
    HotplugCommand Command,
    InterfaceType Type,
    string Device,
    string XenbusPath,
    int DomainId,
    int DeviceId,
    IReadOnlyDictionary<string, string> Variables)
{
    /// <summary>online or add: attach; offline or remove: detach.</summary>
    public bool IsAttach => Command is HotplugCommand.Online or HotplugCommand.Add;

    /// <summary>The command as libxl spells it.</summary>
    public string CommandName => Command.ToString().ToLowerInvariant();

    /// <summary>The frontend node of this NIC (where the guest reads its MTU).</summary>
    public string FrontendPath => $"/local/domain/{DomainId}/device/vif/{DeviceId}";

    /// <summary>The guest's domain node.</summary>
    public string DomainPath => $"/local/domain/{DomainId}";

    /// <summary>The name the device takes for a backend vifname (with "-emu" for a tap).</summary>
    public string DeviceNameFor(string vifname) => Type == InterfaceType.Tap ? vifname + VifNames.TapSuffix : vifname;

    /// <summary>The alias that marks a renamed device as this NIC's (so a second online finds it again).</summary>
    public string OwnerAlias => $"{GuestPorts.AliasPrefix}{DomainId}.{DeviceId}";
}
