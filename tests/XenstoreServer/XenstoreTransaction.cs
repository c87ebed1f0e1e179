namespace XenHotplug.XenstoreServer;

/// <summary>
/// An open transaction: a snapshot of the tree taken at start, the paths it read or wrote, and the mutations to
/// replay at commit. The commit fails with EAGAIN when any accessed path changed in the live tree since the start.
/// </summary>
internal sealed class XenstoreTransaction(uint id, long startGeneration, XenstoreTree snapshot)
{
    public uint Id { get; } = id;

    public long StartGeneration { get; } = startGeneration;

    public XenstoreTree Snapshot { get; } = snapshot;

    public HashSet<string> Accessed { get; } = new(StringComparer.Ordinal);

    public List<XenstoreTransactionOperation> Operations { get; } = [];
}
