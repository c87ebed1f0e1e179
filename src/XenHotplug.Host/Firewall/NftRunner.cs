using CliWrap;
using CliWrap.Buffered;

namespace XenHotplug.Host.Firewall;

/// <summary>
/// nftables' command-line tool, started by CliWrap with argument arrays (never a shell), for what is read rarely:
/// `status --firewall` lists the table with `nft -j`. The guards themselves are written over netlink
/// (<see cref="NftablesClient"/>), not with `nft -f`.
/// </summary>
public sealed class NftRunner(string nftCommand = "nft")
{
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
            return command.WithWorkingDirectory("/").WithValidation(CommandResultValidation.None).ExecuteBufferedAsync().GetAwaiter().GetResult();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new FirewallException($"cannot run '{nftCommand}': {e.Message} (antispoof needs nftables: install the nftables package)", e);
        }
    }
}
