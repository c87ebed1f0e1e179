namespace XenHotplug.XenstoreServer;

/// <summary>xenstored's path rules: resolution of relative paths under dom0's home, validation, ancestry.</summary>
internal static class XenstorePath
{
    /// <summary>Where relative paths of dom0 clients resolve.</summary>
    public const string Dom0Home = "/local/domain/0";

    /// <summary>Longest absolute path accepted (XENSTORE_ABS_PATH_MAX).</summary>
    public const int MaxLength = 3072;

    /// <summary>Resolves a request path (absolute or relative to dom0's home) and validates it; false means EINVAL.</summary>
    public static bool TryResolve(string requestPath, out string absolutePath)
    {
        absolutePath = string.Empty;
        if (requestPath.Length == 0 || requestPath[0] == '@')
        {
            return false;
        }

        string candidate = requestPath[0] == '/' ? requestPath : Dom0Home + "/" + requestPath;
        if (!IsValidAbsolute(candidate))
        {
            return false;
        }

        absolutePath = candidate;
        return true;
    }

    /// <summary>An absolute path: starts with '/', only [A-Za-z0-9-/_@], no empty component, no trailing '/' (except the root).</summary>
    public static bool IsValidAbsolute(string path)
    {
        if (path.Length == 0 || path[0] != '/' || path.Length > MaxLength)
        {
            return false;
        }

        if (path == "/")
        {
            return true;
        }

        if (path[^1] == '/' || path.Contains("//", StringComparison.Ordinal))
        {
            return false;
        }

        return path.All(IsValidChar);
    }

    /// <summary>A special watch path such as "@introduceDomain".</summary>
    public static bool IsValidSpecial(string path) =>
        path.Length > 1 && path[0] == '@' && path.Length <= MaxLength && path.All(IsValidChar);

    /// <summary>True when <paramref name="ancestor"/> is <paramref name="path"/> or one of its ancestors.</summary>
    public static bool IsAncestorOrSelf(string ancestor, string path) =>
        ancestor == path || ancestor == "/" || (path.StartsWith(ancestor, StringComparison.Ordinal) && path.Length > ancestor.Length && path[ancestor.Length] == '/');

    /// <summary>The parent of an absolute path ("/" for top-level nodes).</summary>
    public static string Parent(string path)
    {
        int slash = path.LastIndexOf('/');
        return slash <= 0 ? "/" : path[..slash];
    }

    /// <summary>The components of an absolute path ("/" has none).</summary>
    public static string[] Split(string path) => path.Split('/', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Joins a parent path and a child name.</summary>
    public static string Combine(string parent, string child) => parent == "/" ? "/" + child : parent + "/" + child;

    /// <summary>How an absolute path is shown to a client that used a relative path: relative when under dom0's home.</summary>
    public static string ForClient(string absolutePath, bool relative) =>
        relative && absolutePath.StartsWith(Dom0Home + "/", StringComparison.Ordinal) ? absolutePath[(Dom0Home.Length + 1)..] : absolutePath;

    private static bool IsValidChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '/' or '_' or '@';
}
