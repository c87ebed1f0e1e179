namespace XenHotplug.Host.Xenstore;

/// <summary>The xenstore connection could not be made, or closed in the middle of a request.</summary>
public sealed class XenstoreConnectionException : XenstoreException
{
    public XenstoreConnectionException() : base("ECONNRESET", "xenstore connection failed") { }
    public XenstoreConnectionException(string message) : base("ECONNRESET", message) { }
    public XenstoreConnectionException(string message, Exception innerException) : base(message, innerException) { }
}
