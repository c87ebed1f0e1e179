namespace XenHotplug.Core.Failures;

/// <summary>A hotplug failed; the message is the one clear sentence written to hotplug-error.</summary>
public sealed class HotplugException : XenHotplugException
{
    public HotplugException() { }
    public HotplugException(string message) : base(message) { }
    public HotplugException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>True when the run's deadline cut a wait short (the run's outcome is then a timeout).</summary>
    public bool DeadlineReached { get; init; }
}
