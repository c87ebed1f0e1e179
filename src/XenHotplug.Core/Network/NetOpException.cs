using XenHotplug.Core.Failures;

namespace XenHotplug.Core.Network;

/// <summary>A network operation failed (rtnetlink or `ip -batch`): the ones before it were applied, it and the rest were not.</summary>
public sealed class NetOpException : XenHotplugException
{
    public NetOpException() { }
    public NetOpException(string message) : base(message) { }
    public NetOpException(string message, Exception innerException) : base(message, innerException) { }

    public NetOpException(int failedIndex, NetOp? failed, string error)
        : base(failed is null ? $"ip failed: {error}" : $"'{failed}' failed: {error}")
    {
        FailedIndex = failedIndex;
        Failed = failed;
        Error = error;
    }

    /// <summary>Index of the operation that failed (the ones before it succeeded); -1 when unknown.</summary>
    public int FailedIndex { get; } = -1;

    public NetOp? Failed { get; }

    /// <summary>What ip said (its first error line).</summary>
    public string Error { get; } = "";
}
