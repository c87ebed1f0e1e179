namespace XenHotplug.Core.Vlan;

/// <summary>
/// What a backend bridge= name means, as vif-bridge would have it: a bridge that exists as written (one really named
/// xenbr0.100) is used verbatim; only a name that does not exist is read as BR.TAG:TRUNKS. A name of neither kind is
/// returned verbatim, for the caller's "no such bridge" refusal.
/// </summary>
public static class BridgeNameReading
{
    /// <summary>The bridge and its VLANs; null with the refusal for a BR.TAG:TRUNKS name with bad VLAN ids.</summary>
    public static BridgeVlanName? Read(string name, bool existsAsWritten, out string? error)
    {
        error = null;
        if (existsAsWritten) return new BridgeVlanName(name, null);
        var parsed = BridgeVlanName.TryParse(name, out error);
        return parsed ?? (error is null ? new BridgeVlanName(name, null) : null);
    }
}
