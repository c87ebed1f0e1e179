using System.Globalization;
using XenHotplug.Configuration;
using XenHotplug.Net;

namespace XenHotplug.Bridges;

/// <summary>Bad command line: usage on stderr, exit status 2.</summary>
public sealed class UsageException : Exception
{
    public UsageException() { }
    public UsageException(string message) : base(message) { }
    public UsageException(string message, Exception innerException) : base(message, innerException) { }
}
