using XenHotplug.Core.Failures;

namespace XenHotplug.Host.Firewall;

/// <summary>The kernel refused an nf_tables transaction (what and errno), or nft could not list the table (its first error line).</summary>
public sealed class FirewallException : XenHotplugException
{
    public FirewallException() { }
    public FirewallException(string message) : base(message) { }
    public FirewallException(string message, Exception innerException) : base(message, innerException) { }
}
