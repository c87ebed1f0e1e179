using XenHotplug.TestSupport;

namespace XenHotplug.IntegrationTests.Metrics;

/// <summary>promtool from Debian's prometheus package, unpacked into tests/.tools by tests/scripts/install-deps.sh.</summary>
internal static class Promtool
{
    public static string Path
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "XenHotplug.sln"))) dir = dir.Parent;
            var path = System.IO.Path.Combine(dir?.FullName ?? ".", "tests", ".tools", "root", "usr", "bin", "promtool");
            Assert.True(File.Exists(path), $"{path} is missing: run tests/scripts/install-deps.sh");
            return path;
        }
    }

    /// <summary>`promtool check metrics` of an exposition text (its lint included): the result, exit status 0 when valid.</summary>
    public static ProcResult CheckMetrics(string exposition) => Proc.Run(Path, ["check", "metrics"], stdin: exposition, timeout: TimeSpan.FromSeconds(30));
}
