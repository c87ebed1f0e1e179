namespace XenHotplug.Host.Xenstore;

/// <summary>
/// Connects on first use: an offline of a vif that still has its libxl name needs nothing from xenstore,
/// and a hotplug that fails before any xenstore access should not pay for a connection.
/// </summary>
public sealed class LazyXenstore(Func<IXenstore> connect) : IXenstore
{
    private IXenstore? _inner;

    /// <summary>True once a connection was made.</summary>
    public bool IsConnected => _inner is not null;

    private IXenstore Inner => _inner ??= connect();

    public string? Read(string path, uint transaction = 0) => Inner.Read(path, transaction);
    public IReadOnlyList<string?> ReadMany(IReadOnlyList<string> paths, uint transaction = 0) => Inner.ReadMany(paths, transaction);
    public void Write(string path, string value, uint transaction = 0) => Inner.Write(path, value, transaction);
    public void WriteMany(IReadOnlyList<KeyValuePair<string, string>> values, uint transaction = 0) => Inner.WriteMany(values, transaction);
    public void Remove(string path, uint transaction = 0) => Inner.Remove(path, transaction);
    public IReadOnlyList<string> Directory(string path, uint transaction = 0) => Inner.Directory(path, transaction);
    public void Mkdir(string path, uint transaction = 0) => Inner.Mkdir(path, transaction);
    public string GetDomainPath(int domainId) => Inner.GetDomainPath(domainId);
    public uint TransactionStart() => Inner.TransactionStart();
    public bool TransactionEnd(uint transaction, bool commit) => Inner.TransactionEnd(transaction, commit);
    public void Watch(string path, string token) => Inner.Watch(path, token);
    public void Unwatch(string path, string token) => Inner.Unwatch(path, token);
    public XenstoreWatchEvent? ReadWatchEvent(TimeSpan timeout) => Inner.ReadWatchEvent(timeout);
    public void Dispose() => _inner?.Dispose();
}
