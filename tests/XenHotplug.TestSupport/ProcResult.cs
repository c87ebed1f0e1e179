namespace XenHotplug.TestSupport;

/// <summary>The outcome of one command: what every test's process runner returns.</summary>
public sealed record ProcResult(string Command, int ExitCode, string StdOut, string StdErr)
{
    public bool Ok => ExitCode == 0;

    /// <summary>The non-empty lines of standard output.</summary>
    public string[] OutputLines => StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The command, its exit status and the tails of both outputs: an assertion's message.</summary>
    public string Describe() =>
        $"{Command} exited {ExitCode}\n--- stdout ---\n{Tail(StdOut)}\n--- stderr ---\n{Tail(StdErr)}";

    public override string ToString() => $"{Command} -> {ExitCode}\nstdout: {StdOut}\nstderr: {StdErr}";

    private static string Tail(string text) => text.Length <= 6000 ? text : "..." + text[^6000..];
}
