namespace XenHotplug.XenstoreServer;

/// <summary>A registered watch: the path as the client sent it, its absolute form (or the special "@..." name) and the token.</summary>
internal sealed record XenstoreWatch(string RequestedPath, string AbsolutePath, string Token)
{
    public bool IsSpecial => AbsolutePath.StartsWith('@');

    public bool IsRelative => !IsSpecial && !RequestedPath.StartsWith('/');
}
