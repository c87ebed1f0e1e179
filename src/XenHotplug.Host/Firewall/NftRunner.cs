using CliWrap;
using CliWrap.Buffered;

namespace XenHotplug.Host.Firewall;

/// <summary>
/// nftables through its command-line tool, started by CliWrap with argument arrays (never a shell): a
/// transaction is one `nft -f -` fed on standard input, which the kernel applies whole or not at all.
/// </summary>
public sealed class NftRunner(string nftCommand = "nft")
{
    /// <summary>Applies <paramref name="transaction"/> atomically, or throws a <see cref="FirewallException"/> with nft's reason.</summary>
    public void Apply(string transaction)
    {
        var result = Execute(Cli.Wrap(nftCommand).WithArguments(["-f", "-"]).WithStandardInputPipe(PipeSource.FromString(transaction)));
        if (result.ExitCode != 0) throw new FirewallException("nft: " + FirstError(result));
    }

    /// <summary>Runs nft with <paramref name="arguments"/> and returns its output.</summary>
    public string Query(IReadOnlyList<string> arguments)
    {
        var result = Execute(Cli.Wrap(nftCommand).WithArguments(arguments));
        if (result.ExitCode != 0) throw new FirewallException($"nft {string.Join(' ', arguments)}: {FirstError(result)}");
        return result.StandardOutput;
    }

    private static string FirstError(BufferedCommandResult result)
    {
        // nft prints "/dev/stdin:3:1-40: Error: Could not process rule: No such file or directory", then the line and carets.
        foreach (var line in result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var at = line.IndexOf("Error: ", StringComparison.Ordinal);
            if (at >= 0) return line[(at + 7)..];
        }
        var first = result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        return first ?? $"exit status {result.ExitCode}";
    }

    private BufferedCommandResult Execute(Command command)
    {
        try
        {
            return command.WithValidation(CommandResultValidation.None).ExecuteBufferedAsync().GetAwaiter().GetResult();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new FirewallException($"cannot run '{nftCommand}': {e.Message} (antispoof needs nftables: install the nftables package)", e);
        }
    }
}
