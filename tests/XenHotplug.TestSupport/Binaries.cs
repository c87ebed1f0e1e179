namespace XenHotplug.TestSupport;

/// <summary>Where the published executables are: $XEN_MULTIBRIDGE_BIN (set by `make test`), else out/ at the repository root.</summary>
public static class Binaries
{
    public static string Directory
    {
        get
        {
            var env = Environment.GetEnvironmentVariable("XEN_MULTIBRIDGE_BIN");
            if (!string.IsNullOrEmpty(env)) return env;
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "XenHotplug.sln"))) dir = dir.Parent;
            return Path.Combine(dir?.FullName ?? ".", "out");
        }
    }

    public static string Vif => Require(Path.Combine(Directory, "vif-multibridge"));

    public static string Network => Require(Path.Combine(Directory, "network-multibridge"));

    private static string Require(string path) =>
        File.Exists(path) ? path : throw new FileNotFoundException($"{path} is missing: run 'make build' (or 'make test') first");
}
