using XenHotplug.Core.Failures;

namespace XenHotplug.Host.Netlink;

/// <summary>The kernel refused a netlink request; the message reads like iproute2's.</summary>
public sealed class NetlinkException : XenHotplugException
{
    public NetlinkException() { }
    public NetlinkException(string message) : base(message) { }
    public NetlinkException(string message, Exception innerException) : base(message, innerException) { }
}
