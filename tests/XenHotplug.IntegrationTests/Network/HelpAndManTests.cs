using System.Text.RegularExpressions;
using XenHotplug.TestSupport;

namespace XenHotplug.IntegrationTests.Network;

/// <summary>network-multibridge --help and network-multibridge(8) agree: commands, options, status columns, exit statuses.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed partial class HelpAndManTests
{
    private static string Man()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "XenHotplug.sln"))) dir = dir.Parent;
        return File.ReadAllText(Path.Combine(dir!.FullName, "packaging", "man", "network-multibridge.8")).Replace("\\-", "-", StringComparison.Ordinal);
    }

    private static string Help()
    {
        var r = Proc.Run(Binaries.Network, ["--help"]);
        Assert.True(r.ExitCode == 0, r.ToString());
        return r.StdOut;
    }

    private static string Section(string text, string from, string to)
    {
        var start = text.IndexOf(from, StringComparison.Ordinal);
        Assert.True(start >= 0, $"'{from}' not found");
        var end = text.IndexOf(to, start + from.Length, StringComparison.Ordinal);
        return end < 0 ? text[start..] : text[start..end];
    }

    [Fact]
    public void Commands_and_options_are_in_both()
    {
        var help = Help();
        var man = Man();
        foreach (var command in new[] { "start", "stop", "restart", "status", "render", "suggest", "networkd", "ifupdown", "nm" })
        {
            Assert.Contains(command, Section(help, "Commands:", "Options:"), StringComparison.Ordinal);
            Assert.Contains(command, Section(man, ".SH COMMANDS", ".SH OPTIONS"), StringComparison.Ordinal);
        }
        var helpOptions = OptionWord().Matches(Section(help, "Options:", "Every change")).Select(m => m.Value).ToHashSet(StringComparer.Ordinal);
        var manOptions = OptionWord().Matches(Section(man, ".SH OPTIONS", ".SS Classic")).Select(m => m.Value).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(helpOptions.Order(StringComparer.Ordinal), manOptions.Order(StringComparer.Ordinal));
        Assert.Contains("--output", helpOptions);
    }

    [Fact]
    public void Exit_statuses_are_the_same_in_both()
    {
        var help = Help();
        var man = Section(Man(), ".SH EXIT STATUS", ".SH SYSTEMD");
        var manBlocks = man.Split(".PP\n");
        foreach (var (helpHeading, manHeading) in new[] { ("Exit status (start, stop, restart, render):", ".BR render :"), ("Exit status (status, LSB):", "(LSB):") })
        {
            var helpBlock = Section(help, helpHeading, "Exit status (");
            var helpCodes = Regex.Matches(helpBlock, @"^  (\d)  ", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();
            var manBlock = manBlocks.Single(b => b.Contains(manHeading, StringComparison.Ordinal));
            var manCodes = Regex.Matches(manBlock, @"^\.TP\n\.B (\d)$", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();
            Assert.NotEmpty(helpCodes);
            Assert.Equal(helpCodes, manCodes);
        }
        Assert.Contains("Exit status (suggest, --help, --version): 0, or 2 for bad usage.", help, StringComparison.Ordinal);
        Assert.Contains(".BR --version :\n0, or 2 for a usage error.", man, StringComparison.Ordinal);
    }

    [Fact]
    public void Status_columns_are_what_status_prints()
    {
        using var lab = new SimulatedDom0();
        File.Delete(lab.ConfigPath);
        var header = lab.NetworkTool("status").StdOut.Split('\n')[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["BRIDGE", "UPLINK", "CARRIER", "SPEED", "ADDRESSES", "GUESTS", "POOL", "HEALTH"], header);
        Assert.Contains(string.Join(' ', header), Help(), StringComparison.Ordinal);
        Assert.Contains("BRIDGE, UPLINK, CARRIER, SPEED,\nADDRESSES, GUESTS, POOL and HEALTH", Man(), StringComparison.Ordinal);
    }

    [GeneratedRegex(@"(?<![\w-])--?[a-z][a-z-]*")]
    private static partial Regex OptionWord();
}
