using XenHotplug.Core.CommandLine;
using XenHotplug.Core.Failures;

namespace XenHotplug.Tests.CommandLine;

public sealed class VifArgumentsTests
{
    [Fact]
    public void A_hotplug_keeps_its_words_in_order_and_takes_the_options_out()
    {
        var a = VifArguments.Parse(["online", "-n", "type_if=vif", "--verbose", "vif=vif3.0"]);
        Assert.Equal(new VifArguments(VifAction.Hotplug, true, true, a.Words), a);
        Assert.Equal(["online", "type_if=vif", "vif=vif3.0"], a.Words);
    }

    [Theory]
    [InlineData("--help", VifAction.Help)]
    [InlineData("-h", VifAction.Help)]
    [InlineData("--version", VifAction.Version)]
    public void Help_and_version_win_over_everything_else(string option, VifAction action)
    {
        Assert.Equal(action, VifArguments.Parse(["online", "-n", option]).Action);
        Assert.Equal(action, VifArguments.Parse([option, "--bogus"]).Action);
    }

    [Fact]
    public void Explain_is_the_dry_run_of_an_online_for_that_backend()
    {
        var a = VifArguments.Parse(["explain", "3", "0"]);
        Assert.True(a.DryRun);
        Assert.Equal(["online", "type_if=vif", "vif=vif3.0", "XENBUS_PATH=backend/vif/3/0"], a.Words);
    }

    [Theory]
    [InlineData(new string[] { }, "no command given")]
    [InlineData(new[] { "--bogus" }, "unknown option '--bogus'")]
    [InlineData(new[] { "explain", "3" }, "explain takes a domain id and a device id, e.g. 'explain 3 0'")]
    [InlineData(new[] { "explain", "-1", "0" }, "unknown option '-1'")]
    [InlineData(new[] { "explain", "+3", "0" }, "explain takes a domain id and a device id, e.g. 'explain 3 0'")]
    [InlineData(new[] { "explain", "3", "99999999999" }, "explain takes a domain id and a device id, e.g. 'explain 3 0'")]
    [InlineData(new[] { "explain", "3", "0", "1" }, "explain takes a domain id and a device id, e.g. 'explain 3 0'")]
    public void Bad_usage_is_one_line(string[] args, string message)
    {
        Assert.Equal(message, Assert.Throws<UsageException>(() => VifArguments.Parse(args)).Message);
    }
}
