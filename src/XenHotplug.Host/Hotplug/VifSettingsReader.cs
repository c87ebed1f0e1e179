using XenHotplug.Core.Request;
using XenHotplug.Host.Xenstore;

namespace XenHotplug.Host.Hotplug;

/// <summary>Reads <see cref="VifSettings"/> in one pipelined round trip.</summary>
public static class VifSettingsReader
{
    public static VifSettings Read(IXenstore xenstore, HotplugRequest request)
    {
        var b = request.XenbusPath;
        var v = xenstore.ReadMany([
            b + "/bridge", b + "/ip", b + "/mtu", b + "/vifname", b + "/mac", b + "/type",
            request.DomainPath + "/name", request.DomainPath + "/vm", b + "/vlan",
        ]);
        var vm = v[7];
        var uuid = vm is null ? null : vm[(vm.LastIndexOf('/') + 1)..];
        return new VifSettings(Clean(v[0]), Clean(v[1]), Clean(v[2]), Clean(v[3]), Clean(v[4]), Clean(v[5]), Clean(v[6]), Clean(uuid), Clean(v[8]));
    }

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
