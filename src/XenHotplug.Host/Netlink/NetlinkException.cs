using XenHotplug.Core.Failures;

namespace XenHotplug.Host.Netlink;

/// <summary>
/// The kernel refused a netlink request (the message reads like iproute2's), or its answer could not be read. Callers
/// decide by <see cref="Errno"/> (<c>e.Errno == Native.Errno.ENODEV</c>), never by the message's text.
/// </summary>
public sealed class NetlinkException : XenHotplugException
{
    public NetlinkException() { }
    public NetlinkException(string message) : base(message) { }
    public NetlinkException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>A refusal with its errno (positive: ENODEV is 19).</summary>
    public NetlinkException(int errno, string message) : base(message) => Errno = errno;

    /// <summary>The errno the kernel (or the socket call) answered with; 0 when there was none (a malformed answer).</summary>
    public int Errno { get; init; }

    /// <summary>The errno's name ("ENODEV"), as <c>XenstoreException.ErrorName</c>; empty when there is none.</summary>
    public string ErrorName => Errno == 0 ? "" : Native.Errno.Name(Errno);

    /// <summary>In a batch: the index of the message the kernel refused (-1 when none or not known).</summary>
    public int FailedMessage { get; init; } = -1;
}
