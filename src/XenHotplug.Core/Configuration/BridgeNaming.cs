namespace XenHotplug.Core.Configuration;

/// <summary>How network-multibridge names a bridge and its uplink.</summary>
public enum BridgeNaming
{
    /// <summary>Bridge xenbrN; the NIC keeps its name.</summary>
    Xenbr,

    /// <summary>The NIC ethN is renamed pethN and the bridge takes the name ethN.</summary>
    Legacy,
}
