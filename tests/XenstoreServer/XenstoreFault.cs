namespace XenHotplug.XenstoreServer;

/// <summary>A fault the test server injects instead of answering a request.</summary>
public enum XenstoreFault
{
    /// <summary>Close the client's connection without replying.</summary>
    CloseConnection,

    /// <summary>Reply with a frame that breaks the wire protocol (a header announcing an oversized payload).</summary>
    MalformedReply,
}
