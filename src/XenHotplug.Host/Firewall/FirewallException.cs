using XenHotplug.Core.Failures;
using XenHotplug.Core.Firewall;

namespace XenHotplug.Host.Firewall;

/// <summary>The kernel refused an nf_tables transaction (what and errno), or nft could not list the table (its first error line).</summary>
public sealed class FirewallException : XenHotplugException
{
    public FirewallException() { }
    public FirewallException(string message) : base(message) { }
    public FirewallException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>The errno of the refusal (0 when not known).</summary>
    public int Errno { get; init; }

    /// <summary>The operation the kernel refused, when it was one of a transaction's.</summary>
    public NftOp? FailedOp { get; init; }
}
