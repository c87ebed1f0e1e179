using System.Text.RegularExpressions;

namespace XenHotplug.Tests.Architecture;

/// <summary>The C# sources of src/, read as text: each file's namespace and the project namespaces it uses.</summary>
internal static partial class SourceTree
{
    public static string Root
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "XenHotplug.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new DirectoryNotFoundException("XenHotplug.sln not found above " + AppContext.BaseDirectory);
        }
    }

    public static IEnumerable<string> Files(string project) =>
        Directory.EnumerateFiles(Path.Combine(Root, "src", project), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal));

    public static string Namespace(string text) => NamespaceLine().Match(text).Groups[1].Value;

    /// <summary>The XenHotplug namespaces a file uses: its using directives and any fully qualified name.</summary>
    public static IEnumerable<string> Uses(string text) =>
        UsingLine().Matches(text).Select(m => m.Groups[1].Value)
            .Concat(Qualified().Matches(text).Select(m => m.Groups[1].Value))
            .Distinct(StringComparer.Ordinal);

    [GeneratedRegex(@"^namespace (XenHotplug[\w.]*);", RegexOptions.Multiline)]
    private static partial Regex NamespaceLine();

    [GeneratedRegex(@"^using (XenHotplug[\w.]*);", RegexOptions.Multiline)]
    private static partial Regex UsingLine();

    [GeneratedRegex(@"(?<![\w.])(XenHotplug\.(?:Core|Host)\.\w+)\.[A-Z]\w*")]
    private static partial Regex Qualified();
}
