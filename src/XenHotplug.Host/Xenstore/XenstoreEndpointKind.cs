namespace XenHotplug.Host.Xenstore;

/// <summary>How a xenstore endpoint is reached.</summary>
public enum XenstoreEndpointKind
{
    /// <summary>A xenstored Unix socket (/var/run/xenstored/socket, $XENSTORED_PATH).</summary>
    UnixSocket,

    /// <summary>The xenbus character device (/dev/xen/xenbus), opened read/write; same protocol.</summary>
    Device,
}
