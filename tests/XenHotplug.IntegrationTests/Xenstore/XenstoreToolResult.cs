namespace XenHotplug.IntegrationTests.Xenstore;

/// <summary>What a finished xenstore-* tool run produced.</summary>
internal sealed record XenstoreToolResult(int ExitCode, string StandardOutput, string StandardError)
{
    public string[] OutputLines => StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
