using System.Globalization;
using XenHotplug.Host.Xenstore;

namespace XenHotplug.XenstoreServer;

/// <summary>
/// Executes one request from a connection against the store (or the connection's transaction) and queues the reply,
/// the way xenstored does. Must be called under the store lock.
/// </summary>
internal sealed class XenstoreRequestDispatcher(XenstoreStore store)
{
    private uint _lastTransactionId;

    public void Handle(XenstoreServerConnection connection, XenstoreMessage request)
    {
        XenstoreTransaction? transaction = null;
        if (request.TransactionId != 0 && request.Type != XenstoreMessageType.TransactionStart
            && !connection.Transactions.TryGetValue(request.TransactionId, out transaction))
        {
            connection.Send(Error(request, "ENOENT"));
            return;
        }

        byte[]? reply = request.Type switch
        {
            XenstoreMessageType.Read => Read(request, transaction),
            XenstoreMessageType.Write => Write(request, transaction),
            XenstoreMessageType.Mkdir => Mkdir(request, transaction),
            XenstoreMessageType.Rm => Remove(request, transaction),
            XenstoreMessageType.Directory => Directory(request, transaction),
            XenstoreMessageType.GetPerms => GetPermissions(request, transaction),
            XenstoreMessageType.SetPerms => SetPermissions(request, transaction),
            XenstoreMessageType.GetDomainPath => GetDomainPath(request),
            XenstoreMessageType.TransactionStart => TransactionStart(connection, request),
            XenstoreMessageType.TransactionEnd => TransactionEnd(connection, request, transaction),
            XenstoreMessageType.Watch => Watch(connection, request),
            XenstoreMessageType.Unwatch => Unwatch(connection, request),
            XenstoreMessageType.ResetWatches => ResetWatches(connection, request),
            _ => Error(request, "EINVAL"),
        };
        if (reply is not null)
        {
            connection.Send(reply);
        }
    }

    private byte[] Read(XenstoreMessage request, XenstoreTransaction? transaction)
    {
        if (!TryOnePath(request, out string path))
        {
            return Error(request, "EINVAL");
        }

        transaction?.Accessed.Add(path);
        var node = TreeFor(transaction).Find(path);
        return node is null ? Error(request, "ENOENT") : Reply(request, XenstorePayload.Raw(node.Value));
    }

    private byte[] Write(XenstoreMessage request, XenstoreTransaction? transaction)
    {
        string requestPath;
        string value;
        try
        {
            (requestPath, value) = XenstorePayload.ParsePathAndValue(request.Payload.Span);
        }
        catch (XenstoreProtocolException)
        {
            return Error(request, "EINVAL");
        }

        if (!XenstorePath.TryResolve(requestPath, out string path))
        {
            return Error(request, "EINVAL");
        }

        if (transaction is null)
        {
            store.Write(path, value);
        }
        else
        {
            transaction.Snapshot.Write(path, value, transaction.Accessed);
            transaction.Operations.Add(new XenstoreTransactionOperation(XenstoreMessageType.Write, path, value, null));
        }

        return Reply(request, XenstorePayload.Ok);
    }

    private byte[] Mkdir(XenstoreMessage request, XenstoreTransaction? transaction)
    {
        if (!TryOnePath(request, out string path))
        {
            return Error(request, "EINVAL");
        }

        if (transaction is null)
        {
            store.Mkdir(path);
        }
        else
        {
            transaction.Accessed.Add(path);
            transaction.Snapshot.Mkdir(path, transaction.Accessed);
            transaction.Operations.Add(new XenstoreTransactionOperation(XenstoreMessageType.Mkdir, path, string.Empty, null));
        }

        return Reply(request, XenstorePayload.Ok);
    }

    private byte[] Remove(XenstoreMessage request, XenstoreTransaction? transaction)
    {
        if (!TryOnePath(request, out string path) || path == "/")
        {
            return Error(request, "EINVAL");
        }

        var tree = TreeFor(transaction);
        transaction?.Accessed.Add(path);
        if (tree.Find(path) is null)
        {
            // Like xenstored: removing a missing node is fine when its parent exists.
            string parent = XenstorePath.Parent(path);
            transaction?.Accessed.Add(parent);
            return tree.Find(parent) is null ? Error(request, "ENOENT") : Reply(request, XenstorePayload.Ok);
        }

        if (transaction is null)
        {
            store.Remove(path);
        }
        else
        {
            transaction.Snapshot.Remove(path, transaction.Accessed);
            transaction.Operations.Add(new XenstoreTransactionOperation(XenstoreMessageType.Rm, path, string.Empty, null));
        }

        return Reply(request, XenstorePayload.Ok);
    }

    private byte[] Directory(XenstoreMessage request, XenstoreTransaction? transaction)
    {
        if (!TryOnePath(request, out string path))
        {
            return Error(request, "EINVAL");
        }

        transaction?.Accessed.Add(path);
        var node = TreeFor(transaction).Find(path);
        if (node is null)
        {
            return Error(request, "ENOENT");
        }

        var payload = XenstorePayload.Strings([.. node.Children.Keys]);
        return payload.Length > XenstoreMessageHeader.MaxPayload ? Error(request, "E2BIG") : Reply(request, payload);
    }

    private byte[] GetPermissions(XenstoreMessage request, XenstoreTransaction? transaction)
    {
        if (!TryOnePath(request, out string path))
        {
            return Error(request, "EINVAL");
        }

        transaction?.Accessed.Add(path);
        var node = TreeFor(transaction).Find(path);
        return node is null ? Error(request, "ENOENT") : Reply(request, XenstorePayload.Strings([.. node.Permissions]));
    }

    private byte[] SetPermissions(XenstoreMessage request, XenstoreTransaction? transaction)
    {
        List<string> parts;
        try
        {
            parts = XenstorePayload.ParseStrings(request.Payload.Span, "SET_PERMS");
        }
        catch (XenstoreProtocolException)
        {
            return Error(request, "EINVAL");
        }

        if (parts.Count < 2 || !XenstorePath.TryResolve(parts[0], out string path) || !parts.Skip(1).All(IsPermission))
        {
            return Error(request, "EINVAL");
        }

        var permissions = parts.Skip(1).ToArray();
        if (transaction is null)
        {
            return store.SetPermissions(path, permissions) ? Reply(request, XenstorePayload.Ok) : Error(request, "ENOENT");
        }

        transaction.Accessed.Add(path);
        var node = transaction.Snapshot.Find(path);
        if (node is null)
        {
            return Error(request, "ENOENT");
        }

        node.Permissions = permissions;
        transaction.Operations.Add(new XenstoreTransactionOperation(XenstoreMessageType.SetPerms, path, string.Empty, permissions));
        return Reply(request, XenstorePayload.Ok);
    }

    private static byte[] GetDomainPath(XenstoreMessage request)
    {
        if (!TryOneArgument(request, out string domain) || domain.Length == 0 || !domain.All(char.IsAsciiDigit)
            || !uint.TryParse(domain, NumberStyles.None, CultureInfo.InvariantCulture, out uint domainId))
        {
            return Error(request, "EINVAL");
        }

        return Reply(request, XenstorePayload.Strings("/local/domain/" + domainId.ToString(CultureInfo.InvariantCulture)));
    }

    private byte[] TransactionStart(XenstoreServerConnection connection, XenstoreMessage request)
    {
        if (request.TransactionId != 0)
        {
            return Error(request, "EBUSY");
        }

        uint id = ++_lastTransactionId;
        if (id == 0)
        {
            id = ++_lastTransactionId;
        }

        connection.Transactions[id] = new XenstoreTransaction(id, store.Changes.Generation, store.Tree.Clone());
        return Reply(request, XenstorePayload.Strings(id.ToString(CultureInfo.InvariantCulture)));
    }

    private byte[] TransactionEnd(XenstoreServerConnection connection, XenstoreMessage request, XenstoreTransaction? transaction)
    {
        if (transaction is null)
        {
            return Error(request, "ENOENT");
        }

        bool commit;
        try
        {
            commit = XenstorePayload.ParseTransactionEnd(request.Payload.Span);
        }
        catch (XenstoreProtocolException)
        {
            return Error(request, "EINVAL");
        }

        connection.Transactions.Remove(transaction.Id);
        if (!commit)
        {
            return Reply(request, XenstorePayload.Ok);
        }

        if (store.Changes.ChangedSince(transaction.Accessed, transaction.StartGeneration))
        {
            return Error(request, "EAGAIN");
        }

        foreach (var operation in transaction.Operations)
        {
            switch (operation.Type)
            {
                case XenstoreMessageType.Write:
                    store.Write(operation.Path, operation.Value);
                    break;
                case XenstoreMessageType.Mkdir:
                    store.Mkdir(operation.Path);
                    break;
                case XenstoreMessageType.Rm:
                    store.Remove(operation.Path);
                    break;
                case XenstoreMessageType.SetPerms:
                    store.SetPermissions(operation.Path, operation.Permissions!);
                    break;
                default:
                    throw new InvalidOperationException($"unexpected transaction operation {operation.Type}");
            }
        }

        return Reply(request, XenstorePayload.Ok);
    }

    private static byte[]? Watch(XenstoreServerConnection connection, XenstoreMessage request)
    {
        if (!TryWatchArguments(request, out var watch))
        {
            return Error(request, "EINVAL");
        }

        if (connection.Watches.Exists(w => w.AbsolutePath == watch.AbsolutePath && w.Token == watch.Token))
        {
            return Error(request, "EEXIST");
        }

        connection.Watches.Add(watch);
        connection.Send(Reply(request, XenstorePayload.Ok));

        // Like xenstored: every new watch fires once at once.
        connection.Send(XenstoreFrameCodec.Encode(XenstoreMessageType.WatchEvent, 0, 0,
            XenstorePayload.Strings(watch.RequestedPath, watch.Token)));
        return null;
    }

    private static byte[] Unwatch(XenstoreServerConnection connection, XenstoreMessage request)
    {
        if (!TryWatchArguments(request, out var watch))
        {
            return Error(request, "EINVAL");
        }

        int removed = connection.Watches.RemoveAll(w => w.AbsolutePath == watch.AbsolutePath && w.Token == watch.Token);
        return removed == 0 ? Error(request, "ENOENT") : Reply(request, XenstorePayload.Ok);
    }

    private static byte[] ResetWatches(XenstoreServerConnection connection, XenstoreMessage request)
    {
        connection.Watches.Clear();
        return Reply(request, XenstorePayload.Ok);
    }

    private XenstoreTree TreeFor(XenstoreTransaction? transaction) => transaction?.Snapshot ?? store.Tree;

    private static bool TryWatchArguments(XenstoreMessage request, out XenstoreWatch watch)
    {
        watch = null!;
        List<string> parts;
        try
        {
            parts = XenstorePayload.ParseStrings(request.Payload.Span, "WATCH");
        }
        catch (XenstoreProtocolException)
        {
            return false;
        }

        if (parts.Count < 2)
        {
            return false;
        }

        string path = parts[0];
        string absolute;
        if (path.StartsWith('@'))
        {
            if (!XenstorePath.IsValidSpecial(path))
            {
                return false;
            }

            absolute = path;
        }
        else if (!XenstorePath.TryResolve(path, out absolute))
        {
            return false;
        }

        watch = new XenstoreWatch(path, absolute, parts[1]);
        return true;
    }

    private static bool TryOnePath(XenstoreMessage request, out string path)
    {
        path = string.Empty;
        return TryOneArgument(request, out string requestPath) && XenstorePath.TryResolve(requestPath, out path);
    }

    /// <summary>The first NUL-terminated string of the payload (xenstored's onearg); false when it is not terminated.</summary>
    private static bool TryOneArgument(XenstoreMessage request, out string argument)
    {
        argument = string.Empty;
        var payload = request.Payload.Span;
        int nul = payload.IndexOf((byte)0);
        if (nul < 0)
        {
            return false;
        }

        argument = XenstorePayload.ParseRaw(payload[..nul]);
        return true;
    }

    private static bool IsPermission(string permission) =>
        permission.Length >= 2 && permission[0] is 'n' or 'r' or 'w' or 'b' && permission.Skip(1).All(char.IsAsciiDigit);

    private static byte[] Reply(XenstoreMessage request, ReadOnlySpan<byte> payload) =>
        XenstoreFrameCodec.Encode(request.Type, request.RequestId, request.TransactionId, payload);

    private static byte[] Error(XenstoreMessage request, string errorName) =>
        XenstoreFrameCodec.Encode(XenstoreMessageType.Error, request.RequestId, request.TransactionId, XenstorePayload.Strings(errorName));
}
