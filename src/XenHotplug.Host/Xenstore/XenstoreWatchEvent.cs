namespace XenHotplug.Host.Xenstore;

/// <summary>A WATCH_EVENT: the path that changed and the token given to WATCH.</summary>
public sealed record XenstoreWatchEvent(string Path, string Token);
