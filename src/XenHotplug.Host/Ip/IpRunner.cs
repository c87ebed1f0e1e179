using System.Globalization;
using System.Text;
using CliWrap;
using CliWrap.Buffered;
using XenHotplug.Core.Network;

namespace XenHotplug.Host.Ip;

/// <summary>
/// <see cref="INetworkRunner"/> through iproute2's `ip`, started by CliWrap with argument arrays (never a
/// shell): a whole plan is one `ip -batch -` process fed on standard input (a port's VLANs, iproute2's `bridge`
/// command's, one `bridge -batch -` for each run of them).
/// </summary>
public sealed class IpRunner(string ipCommand = "ip", string bridgeCommand = "bridge") : INetworkRunner
{
    /// <summary>
    /// How long an `ip` process may still run, asked when it starts (null: no limit). A hotplug passes its
    /// deadline's rest: an `ip` stuck on a wedged driver is killed and the run fails in time, with a reason.
    /// </summary>
    public Func<TimeSpan>? TimeLeft { get; init; }

    private static readonly System.Buffers.SearchValues<char> Unsafe = System.Buffers.SearchValues.Create(" \t\r\n\"'\\#");

    public IReadOnlyList<string> Run(IReadOnlyList<NetOp> operations, bool keepGoing = false)
    {
        var errors = new List<string>();
        for (var start = 0; start < operations.Count;)
        {
            var end = start + 1;
            while (end < operations.Count && operations[end].Tool == operations[start].Tool) end++;
            try
            {
                errors.AddRange(RunBatch(operations.Skip(start).Take(end - start).ToList(), keepGoing));
            }
            catch (NetOpException e) when (e.FailedIndex >= 0)
            {
                throw new NetOpException(start + e.FailedIndex, e.Failed, e.Error);
            }
            start = end;
        }
        return errors;
    }

    /// <summary>Operations of one tool as one `TOOL -batch -`.</summary>
    private List<string> RunBatch(List<NetOp> operations, bool keepGoing)
    {
        var tool = operations[0].Tool == "bridge" ? bridgeCommand : ipCommand;
        var batch = new StringBuilder();
        foreach (var op in operations)
        {
            foreach (var arg in op.IpArgs)
            {
                if (arg.AsSpan().IndexOfAny(Unsafe) >= 0)
                    throw new ArgumentException($"refusing to pass '{arg}' to ip -batch");
            }
            batch.AppendJoin(' ', op.IpArgs.Select(a => a.Length == 0 ? "\"\"" : a)).Append('\n');
        }
        string[] args = keepGoing ? ["-force", "-batch", "-"] : ["-batch", "-"];
        var result = Execute(Cli.Wrap(tool).WithArguments(args).WithStandardInputPipe(PipeSource.FromString(batch.ToString())), tool);
        if (result.ExitCode == 0) return [];
        var errors = ErrorLines(result.StandardError);
        if (keepGoing) return errors.Count > 0 ? errors : [$"{operations[0].Tool} exited with status {result.ExitCode}"];
        var index = FailedLine(result.StandardError) - 1;
        var failed = index >= 0 && index < operations.Count ? operations[index] : null;
        throw new NetOpException(failed is null ? -1 : index, failed, errors.Count > 0 ? errors[0] : $"exit status {result.ExitCode}");
    }

    public string Query(IReadOnlyList<string> arguments)
    {
        var result = Execute(Cli.Wrap(ipCommand).WithArguments(arguments), ipCommand);
        if (result.ExitCode != 0)
        {
            var errors = ErrorLines(result.StandardError);
            throw new NetOpException(-1, null, $"ip {string.Join(' ', arguments)}: {(errors.Count > 0 ? errors[0] : $"exit status {result.ExitCode}")}");
        }
        return result.StandardOutput;
    }

    /// <summary>The 1-based line of "Command failed -:N", or 0.</summary>
    public static int FailedLine(string stderr)
    {
        const string marker = "Command failed -:";
        var at = stderr.LastIndexOf(marker, StringComparison.Ordinal);
        if (at < 0) return 0;
        var digits = stderr.AsSpan(at + marker.Length).TrimStart();
        var end = 0;
        while (end < digits.Length && char.IsAsciiDigit(digits[end])) end++;
        return int.TryParse(digits[..end], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
    }

    private static List<string> ErrorLines(string stderr) =>
        stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.StartsWith("Command failed", StringComparison.Ordinal))
            .Select(l => l.StartsWith("Error: ", StringComparison.Ordinal) ? l[7..] : l)
            .ToList();

    private BufferedCommandResult Execute(Command command, string tool)
    {
        var limit = TimeLeft?.Invoke();
        using var timeout = limit is { } left ? new CancellationTokenSource(left > TimeSpan.Zero ? left : TimeSpan.FromMilliseconds(1)) : null;
        try
        {
            // In "/": the caller's directory may be one its user cannot enter (status run by a user from root's home),
            // and a child started there fails before ip runs.
            return command.WithWorkingDirectory("/").WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(timeout?.Token ?? default).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            throw new NetOpException(-1, null, string.Create(CultureInfo.InvariantCulture, $"'{tool}' did not finish within the {limit!.Value.TotalSeconds:0.###} s left of the deadline and was killed"));
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new NetOpException(-1, null, $"cannot run '{tool}': {e.Message} (is iproute2 installed?)");
        }
    }
}
