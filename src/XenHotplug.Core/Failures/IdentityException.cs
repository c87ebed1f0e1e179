namespace XenHotplug.Core.Failures;

/// <summary>
/// The request does not describe one guest NIC consistently (vif or INTERFACE disagrees with XENBUS_PATH, or
/// XENBUS_PATH is not a vif backend): nothing is changed, and nothing is written to xenstore either, since
/// the backend named may be another guest's.
/// </summary>
public sealed class IdentityException : XenHotplugException
{
    public IdentityException() { }
    public IdentityException(string message) : base(message) { }
    public IdentityException(string message, Exception innerException) : base(message, innerException) { }
}
