namespace XenHotplug.Core.Failures;

/// <summary>A bridge cannot be started, stopped or repaired; the message is one line for stderr and syslog.</summary>
public sealed class BridgeException : XenHotplugException
{
    public BridgeException() { }
    public BridgeException(string message) : base(message) { }
    public BridgeException(string message, Exception innerException) : base(message, innerException) { }
}
