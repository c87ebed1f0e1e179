namespace XenHotplug.TestSupport;

/// <summary>The outcome of one command.</summary>
public sealed record ProcResult(string Command, int ExitCode, string StdOut, string StdErr)
{
    public bool Ok => ExitCode == 0;

    public override string ToString() => $"{Command} -> {ExitCode}\nstdout: {StdOut}\nstderr: {StdErr}";
}
