using XenHotplug.Core.Firewall;

namespace XenHotplug.Core.Plan;

/// <summary>
/// The NIC's anti-spoofing guard, installed (one nf_tables batch) before its port comes up. Its undo removes it,
/// unless the port was attached already before this online (<see cref="RemoveOnUndo"/> false): that port stays guarded.
/// </summary>
public sealed record GuardStep(VifGuard Guard, bool RemoveOnUndo) : AttachStep
{
    public override IEnumerable<string> Lines() => [$"  antispoof {VifGuard.Name(Guard.Mode)} guards {Guard.Interface} (NIC {Guard.Owner}; rules below)"];
}
