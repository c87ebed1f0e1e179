using XenHotplug.Host.Xenstore;

namespace XenHotplug.XenstoreServer;

/// <summary>A mutation recorded inside a transaction, replayed on the live tree at commit.</summary>
internal sealed record XenstoreTransactionOperation(XenstoreMessageType Type, string Path, string Value, IReadOnlyList<string>? Permissions);
