namespace XenHotplug.Host.Xenstore;

/// <summary>
/// Chooses the xenstore endpoint the way libxenstore does: $XENSTORED_PATH when set, else the xenstored socket
/// when it exists, else the xenbus device. Pure: the environment value and the file test are inputs.
/// </summary>
public static class XenstoreEndpointSelector
{
    /// <summary>The environment variable libxenstore honours.</summary>
    public const string EnvironmentVariable = "XENSTORED_PATH";

    /// <summary>The socket of a dom0 xenstored.</summary>
    public const string DefaultSocketPath = "/var/run/xenstored/socket";

    /// <summary>The xenbus device, used when no local xenstored socket exists.</summary>
    public const string DefaultDevicePath = "/dev/xen/xenbus";

    /// <summary>
    /// The endpoint for <paramref name="xenstoredPath"/> (the value of $XENSTORED_PATH, null or empty when unset).
    /// An explicit path under /dev/ or /proc/ is a device; any other explicit path is a socket.
    /// </summary>
    public static XenstoreEndpoint Choose(string? xenstoredPath, Func<string, bool> fileExists)
    {
        ArgumentNullException.ThrowIfNull(fileExists);
        if (!string.IsNullOrEmpty(xenstoredPath))
        {
            bool device = xenstoredPath.StartsWith("/dev/", StringComparison.Ordinal)
                || xenstoredPath.StartsWith("/proc/", StringComparison.Ordinal);
            return new XenstoreEndpoint(xenstoredPath, device ? XenstoreEndpointKind.Device : XenstoreEndpointKind.UnixSocket);
        }

        return fileExists(DefaultSocketPath)
            ? new XenstoreEndpoint(DefaultSocketPath, XenstoreEndpointKind.UnixSocket)
            : new XenstoreEndpoint(DefaultDevicePath, XenstoreEndpointKind.Device);
    }

    /// <summary>The endpoint for this process's environment and file system.</summary>
    public static XenstoreEndpoint ChooseFromEnvironment() =>
        Choose(Environment.GetEnvironmentVariable(EnvironmentVariable), File.Exists);
}
