using XenHotplug.Core.Network;

namespace XenHotplug.Tests.Support;

/// <summary>Records the batches it is given; can fail the n-th operation of the n-th batch, like `ip -batch` does.</summary>
public sealed class RecordingRunner : INetworkRunner
{
    public List<IReadOnlyList<NetOp>> Batches { get; } = [];
    public List<bool> KeepGoing { get; } = [];
    public (int Batch, int Op)? FailAt { get; set; }
    public string QueryAnswer { get; set; } = "";

    public IReadOnlyList<string> Run(IReadOnlyList<NetOp> operations, bool keepGoing = false)
    {
        Batches.Add(operations);
        KeepGoing.Add(keepGoing);
        if (FailAt is { } f && f.Batch == Batches.Count - 1 && !keepGoing)
            throw new NetOpException(f.Op, operations[f.Op], "injected failure");
        return [];
    }

    public string Query(IReadOnlyList<string> arguments) => QueryAnswer;

    public IEnumerable<string> Lines(int batch) => Batches[batch].Select(o => o.ToString());
}
