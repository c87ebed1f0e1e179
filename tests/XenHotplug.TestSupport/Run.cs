namespace XenHotplug.TestSupport;

/// <summary>Result of a process run.</summary>
public sealed record Run(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}
