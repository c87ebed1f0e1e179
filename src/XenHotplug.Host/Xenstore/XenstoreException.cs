using XenHotplug.Core.Failures;

namespace XenHotplug.Host.Xenstore;

/// <summary>xenstored answered ERROR; <see cref="ErrorName"/> is the errno name it sent (ENOENT, EACCES, EAGAIN...).</summary>
public class XenstoreException : XenHotplugException
{
    public XenstoreException(string errorName, string message) : base(message) => ErrorName = errorName;
    public XenstoreException() : this("EIO", "xenstore error") { }
    public XenstoreException(string message) : this("EIO", message) { }
    public XenstoreException(string message, Exception innerException) : base(message, innerException) => ErrorName = "EIO";

    public string ErrorName { get; }
}
