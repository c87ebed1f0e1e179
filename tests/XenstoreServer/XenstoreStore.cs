using XenHotplug.Host.Xenstore;

namespace XenHotplug.XenstoreServer;

/// <summary>
/// The server's shared state: the live tree, its change log and the connections (for watches). Every member must be
/// used under <see cref="Sync"/>. Live mutations record their changes and fire the matching watches.
/// </summary>
internal sealed class XenstoreStore
{
    private readonly List<XenstoreServerConnection> _connections = [];

    public Lock Sync { get; } = new();

    public XenstoreTree Tree { get; } = new();

    public XenstoreChangeLog Changes { get; } = new();

    public IReadOnlyList<XenstoreServerConnection> Connections => _connections;

    public void AddConnection(XenstoreServerConnection connection) => _connections.Add(connection);

    public void RemoveConnection(XenstoreServerConnection connection) => _connections.Remove(connection);

    public void Write(string path, string value)
    {
        var touched = new List<string>();
        Tree.Write(path, value, touched);
        Changes.Record(touched);
        FireWatches(path, recursive: false);
    }

    public void Mkdir(string path)
    {
        var touched = new List<string>();
        Tree.Mkdir(path, touched);
        if (touched.Count > 0)
        {
            Changes.Record(touched);
            FireWatches(path, recursive: false);
        }
    }

    public bool Remove(string path)
    {
        var touched = new List<string>();
        if (!Tree.Remove(path, touched))
        {
            return false;
        }

        Changes.Record(touched);
        FireWatches(path, recursive: true);
        return true;
    }

    public bool SetPermissions(string path, IReadOnlyList<string> permissions)
    {
        var node = Tree.Find(path);
        if (node is null)
        {
            return false;
        }

        node.Permissions = permissions;
        Changes.Record([path]);
        FireWatches(path, recursive: false);
        return true;
    }

    /// <summary>
    /// Sends WATCH_EVENTs for a change at <paramref name="path"/>: to watches on the path or an ancestor and, when a
    /// subtree was removed, to watches inside it (reported with their own path).
    /// </summary>
    public void FireWatches(string path, bool recursive)
    {
        foreach (var connection in _connections)
        {
            foreach (var watch in connection.Watches)
            {
                if (watch.IsSpecial)
                {
                    continue;
                }

                string? eventPath = null;
                if (XenstorePath.IsAncestorOrSelf(watch.AbsolutePath, path))
                {
                    eventPath = XenstorePath.ForClient(path, watch.IsRelative);
                }
                else if (recursive && XenstorePath.IsAncestorOrSelf(path, watch.AbsolutePath))
                {
                    eventPath = watch.RequestedPath;
                }

                if (eventPath is not null)
                {
                    connection.Send(XenstoreFrameCodec.Encode(XenstoreMessageType.WatchEvent, 0, 0,
                        XenstorePayload.Strings(eventPath, watch.Token)));
                }
            }
        }
    }
}
