namespace XenHotplug.Core.Request;

/// <summary>type_if: a netback vif or the tap of an HVM guest's emulated NIC.</summary>
public enum InterfaceType
{
    Vif,
    Tap,
}
