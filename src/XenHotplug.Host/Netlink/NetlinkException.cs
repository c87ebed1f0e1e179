using XenHotplug.Core.Failures;

namespace XenHotplug.Host.Netlink;

/// <summary>The kernel refused a netlink request; the message reads like iproute2's.</summary>
public sealed class NetlinkException : XenHotplugException
{
    public NetlinkException() { }
    public NetlinkException(string message) : base(message) { }
    public NetlinkException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>The errno the kernel answered with, when it did (0 otherwise).</summary>
    public int Errno { get; init; }

    /// <summary>In a batch: the index of the message the kernel refused (-1 when none or not known).</summary>
    public int FailedMessage { get; init; } = -1;
}
