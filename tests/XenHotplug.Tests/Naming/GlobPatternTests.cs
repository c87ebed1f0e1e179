using XenHotplug.Core.Naming;

namespace XenHotplug.Tests.Naming;

public class GlobPatternTests
{
    [Theory]
    [InlineData("db-*", "db-1", true)]
    [InlineData("db-*", "db-", true)]
    [InlineData("db-*", "web-1", false)]
    [InlineData("web?", "web1", true)]
    [InlineData("web?", "web12", false)]
    [InlineData("*-[0-9]", "a-7", true)]
    [InlineData("*-[0-9]", "a-x", false)]
    [InlineData("[!a]*", "bcd", true)]
    [InlineData("[!a]*", "abc", false)]
    [InlineData("exact", "exact", true)]
    [InlineData("exact", "exactly", false)]
    [InlineData("a\\*", "a*", true)]
    [InlineData("a\\*", "ab", false)]
    [InlineData("*", "", true)]
    public void Glob_matches_names(string glob, string name, bool expected)
    {
        Assert.Equal(expected, GlobPattern.TryParse(glob, out _)!.IsMatch(name));
    }

    [Theory]
    [InlineData("x[y")]
    [InlineData("")]
    [InlineData("abc\\")]
    public void Rejects_invalid_globs(string glob)
    {
        Assert.Null(GlobPattern.TryParse(glob, out var error));
        Assert.NotNull(error);
    }
}
