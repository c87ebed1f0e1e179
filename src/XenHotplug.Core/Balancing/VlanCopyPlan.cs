namespace XenHotplug.Core.Balancing;

/// <summary>The VLANs to add to a moved port (in order), then the ones to delete from it (see <see cref="VlanCopy"/>).</summary>
public sealed record VlanCopyPlan(IReadOnlyList<PortVlan> Add, IReadOnlyList<PortVlan> Delete)
{
    public bool IsEmpty => Add.Count == 0 && Delete.Count == 0;
}
