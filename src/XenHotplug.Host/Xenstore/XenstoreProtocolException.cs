namespace XenHotplug.Host.Xenstore;

/// <summary>A frame from xenstored that breaks the wire protocol (bad length, unexpected type, wrong req_id...).</summary>
public sealed class XenstoreProtocolException : XenstoreException
{
    public XenstoreProtocolException() : base("EPROTO", "malformed xenstore reply") { }
    public XenstoreProtocolException(string message) : base("EPROTO", message) { }
    public XenstoreProtocolException(string message, Exception innerException) : base(message, innerException) { }
}
