namespace XenHotplug.Core.Failures;

/// <summary>
/// The family of clean failures: something the user or the host can cause (bad input, bad configuration, a
/// refused change, an unreachable xenstore). The message is the one line an admin reads in hotplug-error,
/// on stderr and in the journal; anything else that escapes is an internal error (see <see cref="FailureText"/>).
/// </summary>
public abstract class XenHotplugException : Exception
{
    protected XenHotplugException() { }
    protected XenHotplugException(string message) : base(message) { }
    protected XenHotplugException(string message, Exception innerException) : base(message, innerException) { }
}
