namespace XenHotplug.Core.Network;

/// <summary>Runs network operations (the side-effect end of a plan).</summary>
public interface INetworkRunner
{
    /// <summary>
    /// Runs the operations in order (rtnetlink requests, or one `ip -batch`, depending on the implementation).
    /// Stops at the first failure and throws <see cref="NetOpException"/> saying which one; with
    /// <paramref name="keepGoing"/> every operation is tried and failures are returned instead.
    /// </summary>
    IReadOnlyList<string> Run(IReadOnlyList<NetOp> operations, bool keepGoing = false);

    /// <summary>Runs `ip ARGS` and returns its standard output (for reading state, e.g. `-j address show`).</summary>
    string Query(IReadOnlyList<string> arguments);
}
