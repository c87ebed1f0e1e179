namespace XenHotplug.Core.Failures;

/// <summary>Bad command line: usage on stderr, exit status 2.</summary>
public sealed class UsageException : XenHotplugException
{
    public UsageException() { }
    public UsageException(string message) : base(message) { }
    public UsageException(string message, Exception innerException) : base(message, innerException) { }
}
