namespace XenHotplug.Core.Naming;

/// <summary>libxl's device names: vifDOMID.DEVID for a netback vif, the same with "-emu" for an HVM guest's tap.</summary>
public static class VifNames
{
    public const string TapSuffix = "-emu";
}
