using XenHotplug.Core.Naming;

namespace XenHotplug.Core.Vlan;

/// <summary>
/// The bridge name libvirt's libxl driver and vif-openvswitch users write VLANs into, with vif-openvswitch's grammar
/// ^([^.:]+)(\.([0-9]+))?(:([0-9]+(:[0-9]+)*))?$ : BR.TAG is an access port on TAG (PVID, untagged); BR:T1:T2 a
/// trunk carrying T1, T2 tagged (no PVID); BR.TAG:T1:T2 both. <see cref="Vlans"/> is null for a plain name.
/// </summary>
public sealed record BridgeVlanName(string Bridge, VlanSet? Vlans)
{
    /// <summary>The backend key the name is read from.</summary>
    public const string Key = "bridge";

    /// <summary>
    /// <paramref name="name"/> read as BR.TAG:TRUNKS. Null with a null error when the name is not of that form;
    /// null with the refusal when it is but an id is out of range or repeats, or BR is no interface name.
    /// </summary>
    public static BridgeVlanName? TryParse(string name, out string? error)
    {
        error = null;
        var stop = name.AsSpan().IndexOfAny('.', ':');
        if (stop == 0 || name.Length == 0 || name.Length > VlanSyntax.MaxLength) return null;
        var bridge = stop < 0 ? name : name[..stop];
        if (stop < 0) return new BridgeVlanName(bridge, null);
        var i = stop;
        string? tag = null;
        if (name[i] == '.')
        {
            i++;
            tag = Digits(name, ref i);
            if (tag is null || (i < name.Length && name[i] != ':')) return null;
        }
        var trunks = new List<string>();
        while (i < name.Length)
        {
            i++; // the ':'
            if (Digits(name, ref i) is not { } trunk || (i < name.Length && name[i] != ':')) return null;
            trunks.Add(trunk);
        }
        if (InterfaceName.Problem(bridge) is { } problem) return Fail(out error, $"{Key}: '{VlanSyntax.Q(name)}': {problem}");
        var members = new List<VlanMember>();
        foreach (var (text, native) in trunks.Select(t => ((string?)t, false)).Prepend((tag, true)))
        {
            if (text is null) continue;
            if (Vid(text) is not { } vid) return Fail(out error, $"{Key}: term '{VlanSyntax.Q(text)}' of '{VlanSyntax.Q(name)}': a VLAN id is {VlanMember.MinVid}-{VlanMember.MaxVid}");
            if (members.Any(m => m.Vid == vid)) return Fail(out error, $"{Key}: term '{VlanSyntax.Q(text)}' of '{VlanSyntax.Q(name)}': VLAN id {vid} appears twice");
            members.Add(new VlanMember(vid, native, native));
        }
        var set = VlanSet.Create(members, out var invalid);
        return set is null ? Fail(out error, $"{Key}: '{VlanSyntax.Q(name)}': {invalid}") : new BridgeVlanName(bridge, set);
    }

    private static string? Digits(string s, ref int i)
    {
        var start = i;
        while (i < s.Length && s[i] is >= '0' and <= '9') i++;
        return i > start ? s[start..i] : null;
    }

    private static ushort? Vid(string digits)
    {
        var trimmed = digits.TrimStart('0');
        return trimmed.Length is > 0 and <= 4 && int.Parse(trimmed, System.Globalization.CultureInfo.InvariantCulture) is var v
            && v is >= VlanMember.MinVid and <= VlanMember.MaxVid ? (ushort)v : null;
    }

    private static BridgeVlanName? Fail(out string? error, string text)
    {
        error = text;
        return null;
    }
}
