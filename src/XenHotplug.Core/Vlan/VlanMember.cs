namespace XenHotplug.Core.Vlan;

/// <summary>One VLAN of a guest's port: its id (1-4094), whether it is the PVID (untagged frames enter on it; always also untagged), whether it egresses untagged.</summary>
public sealed record VlanMember(ushort Vid, bool Pvid, bool Untagged)
{
    /// <summary>The lowest and highest usable VLAN ids (0 is priority tagging, 4095 reserved).</summary>
    public const int MinVid = 1, MaxVid = 4094;

    /// <summary>The term as the vlan= grammar writes it: "10p", "20u" or "30".</summary>
    public override string ToString() => Vid.ToString(System.Globalization.CultureInfo.InvariantCulture) + (Pvid ? "p" : Untagged ? "u" : "");
}
