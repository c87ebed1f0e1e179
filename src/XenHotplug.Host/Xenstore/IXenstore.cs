namespace XenHotplug.Host.Xenstore;

/// <summary>
/// The xenstore operations the hotplug tools use. Paths may be absolute ("/local/domain/0/...")
/// or relative ("backend/vif/3/0"); relative paths are sent as they are and xenstored resolves
/// them under the caller's domain path (/local/domain/0 in dom0).
/// Every call may throw <see cref="XenstoreException"/> (an ERROR reply, carrying the errno name),
/// <see cref="XenstoreConnectionException"/> (socket absent, closed mid-request) or
/// <see cref="XenstoreProtocolException"/> (a malformed reply).
/// </summary>
public interface IXenstore : IDisposable
{
    /// <summary>READ; null when the node does not exist (ENOENT).</summary>
    string? Read(string path, uint transaction = 0);

    /// <summary>Several READs pipelined on the connection (one round trip); null for each missing node.</summary>
    IReadOnlyList<string?> ReadMany(IReadOnlyList<string> paths, uint transaction = 0);

    /// <summary>WRITE (creates missing parents, as xenstored does).</summary>
    void Write(string path, string value, uint transaction = 0);

    /// <summary>Several WRITEs pipelined on the connection (one round trip).</summary>
    void WriteMany(IReadOnlyList<KeyValuePair<string, string>> values, uint transaction = 0);

    /// <summary>RM of a node and its children; a missing node is not an error.</summary>
    void Remove(string path, uint transaction = 0);

    /// <summary>DIRECTORY: the child names; an empty list when the node does not exist.</summary>
    IReadOnlyList<string> Directory(string path, uint transaction = 0);

    /// <summary>MKDIR.</summary>
    void Mkdir(string path, uint transaction = 0);

    /// <summary>GET_DOMAIN_PATH, e.g. "/local/domain/3".</summary>
    string GetDomainPath(int domainId);

    /// <summary>TRANSACTION_START: returns the transaction id.</summary>
    uint TransactionStart();

    /// <summary>TRANSACTION_END: false when xenstored answers EAGAIN (the caller retries).</summary>
    bool TransactionEnd(uint transaction, bool commit);

    /// <summary>WATCH: events for the path and its descendants arrive through <see cref="ReadWatchEvent"/>.</summary>
    void Watch(string path, string token);

    /// <summary>UNWATCH.</summary>
    void Unwatch(string path, string token);

    /// <summary>The next WATCH_EVENT, or null when none arrives within the timeout.</summary>
    XenstoreWatchEvent? ReadWatchEvent(TimeSpan timeout);
}
