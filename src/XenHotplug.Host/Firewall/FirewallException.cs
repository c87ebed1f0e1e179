using XenHotplug.Core.Failures;

namespace XenHotplug.Host.Firewall;

/// <summary>nft refused a transaction or could not be run; the message is nft's first error line.</summary>
public sealed class FirewallException : XenHotplugException
{
    public FirewallException() { }
    public FirewallException(string message) : base(message) { }
    public FirewallException(string message, Exception innerException) : base(message, innerException) { }
}
