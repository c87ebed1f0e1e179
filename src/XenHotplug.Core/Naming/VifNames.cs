using System.Globalization;

namespace XenHotplug.Core.Naming;

/// <summary>libxl's device names: vifDOMID.DEVID for a netback vif, the same with "-emu" for an HVM guest's tap.</summary>
public static class VifNames
{
    public const string TapSuffix = "-emu";

    /// <summary>True when the name is libxl's name for some guest NIC (vifD.V or vifD.V-emu): never a host's uplink or bridge.</summary>
    public static bool IsGuestDevice(string name)
    {
        if (!name.StartsWith("vif", StringComparison.Ordinal)) return false;
        var core = name.EndsWith(TapSuffix, StringComparison.Ordinal) ? name[3..^TapSuffix.Length] : name[3..];
        var dot = core.IndexOf('.', StringComparison.Ordinal);
        return dot > 0
            && int.TryParse(core.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out _)
            && int.TryParse(core.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out _);
    }
}
