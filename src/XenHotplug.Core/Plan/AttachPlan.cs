using System.Text;
using XenHotplug.Core.Placement;

namespace XenHotplug.Core.Plan;

/// <summary>
/// A whole attach as data: the bridge decision and the steps (bridge preparation, guard, port, round-robin cursor,
/// xenstore), each with its undo. `explain` and --dry-run print it; the host executes it. <see cref="Refusal"/> is a
/// problem found while planning that the online refuses with before any step runs (explain shows it instead).
/// </summary>
public sealed record AttachPlan(BridgeDecision Decision, string Current, string Target, int? Mtu, IReadOnlyList<AttachStep> Steps)
{
    public string? Refusal { get; init; }

    /// <summary>The VLANs the guest's port is given (vlan=, a BR.TAG:TRUNKS bridge name, or a [domain:GLOB] rule's vlan =), null for none.</summary>
    public Vlan.VlanSet? Vlans { get; init; }

    /// <summary>Where <see cref="Vlans"/> came from: the backend's vlan key, the bridge name, or a [domain:GLOB] rule.</summary>
    public string? VlanSource { get; init; }

    /// <summary>Why the port is isolated (the bridge-port isolated flag set by the port step), or null when it is not.</summary>
    public string? Isolated { get; init; }

    /// <summary>The step that configures the guest's port.</summary>
    public NetworkStep Port => Steps.OfType<NetworkStep>().Single(s => s.Kind == NetworkStepKind.Port);

    /// <summary>A readable listing: one line per change, in the order they are made.</summary>
    public string Render()
    {
        var text = new StringBuilder();
        foreach (var line in Steps.SelectMany(s => s.Lines())) text.Append(line).Append('\n');
        if (text.Length == 0) text.Append("  (nothing to do)\n");
        return text.ToString();
    }
}
