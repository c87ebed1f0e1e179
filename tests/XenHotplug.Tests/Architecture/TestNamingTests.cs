using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Text.RegularExpressions;

namespace XenHotplug.Tests.Architecture;

/// <summary>
/// Tests are named as sentences, Like_this_one, so that xunit's list reads as what the product does. Words after
/// the first are lower case; an identifier (IPv6, EINVAL, XENSTORED_PATH) may keep its case, but a PascalCase
/// run (ReturnsTheBridge) is the other style creeping back in.
/// </summary>
public partial class TestNamingTests
{
    /// <summary>.NET type names a test may quote whole.</summary>
    private static readonly string[] Identifiers = ["ObjectDisposedException"];

    [Fact]
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "The test assembly runs on the JIT, never trimmed.")]
    [UnconditionalSuppressMessage("Trimming", "IL2070", Justification = "The test assembly runs on the JIT, never trimmed.")]
    public void Every_unit_test_is_named_as_a_sentence()
    {
        var names = typeof(TestNamingTests).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(m => m.GetCustomAttributes<FactAttribute>(inherit: true).Any())
            .Select(m => m.DeclaringType!.Name + "." + m.Name)
            .ToList();
        Assert.True(names.Count > 300, "expected the unit tests, found " + names.Count);
        var offences = names.Where(n => !IsSentence(n.Split('.')[^1])).Order(StringComparer.Ordinal).ToList();
        Assert.True(offences.Count == 0, "not Sentence_style_with_underscores:\n" + string.Join('\n', offences));
    }

    [Fact]
    public void Every_integration_test_is_named_as_a_sentence()
    {
        var dir = Path.Combine(SourceTree.Root, "tests", "XenHotplug.IntegrationTests");
        var names = Directory.EnumerateFiles(dir, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal))
            .SelectMany(f => TestMethod().Matches(File.ReadAllText(f)).Select(m => Path.GetFileName(f) + ": " + m.Groups[1].Value))
            .ToList();
        Assert.True(names.Count > 50, "expected the integration tests, found " + names.Count);
        var offences = names.Where(n => !IsSentence(n.Split(' ')[^1])).Order(StringComparer.Ordinal).ToList();
        Assert.True(offences.Count == 0, "not Sentence_style_with_underscores:\n" + string.Join('\n', offences));
    }

    [Theory]
    [InlineData("A_vif_named_by_vifname_is_renamed", true)]
    [InlineData("Ip_mode_with_only_IPv6_drops_all_IPv4", true)]
    [InlineData("Invalid_paths_are_EINVAL", true)]
    [InlineData("Disposed_client_throws_ObjectDisposedException", true)]
    [InlineData("DecideReturnsExplicitBridge", false)]
    [InlineData("Networkd_BuildsTheBridge_NoWarnings", false)]
    [InlineData("matches_lower_case_first", false)]
    [InlineData("Matches", false)]
    public void The_rule_tells_the_two_styles_apart(string name, bool sentence)
    {
        Assert.Equal(sentence, IsSentence(name));
    }

    private static bool IsSentence(string name)
    {
        foreach (var identifier in Identifiers) name = name.Replace(identifier, "X", StringComparison.Ordinal);
        return Shape().IsMatch(name) && !Hump().IsMatch(name);
    }

    [GeneratedRegex(@"^[A-Z][A-Za-z0-9]*(_[A-Za-z0-9]+)+$")]
    private static partial Regex Shape();

    /// <summary>A lower-case letter or digit followed by a capital: the join of two PascalCase words.</summary>
    [GeneratedRegex(@"[a-z0-9][A-Z]")]
    private static partial Regex Hump();

    [GeneratedRegex(@"\[(?:Fact|Theory)\b[\s\S]*?\b(?:public|internal)\s+(?:async\s+)?(?:static\s+)?[\w<>\[\],.? ]+?\s+(\w+)\s*\(")]
    private static partial Regex TestMethod();
}
