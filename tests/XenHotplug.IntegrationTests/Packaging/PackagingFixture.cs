using System.Security.Cryptography;
using System.Xml.Linq;
using XenHotplug.TestSupport;

namespace XenHotplug.IntegrationTests.Packaging;

/// <summary>
/// Builds the .deb and the .rpm once (<c>make -s deb rpm</c> in the repository root) and unpacks each
/// once into a scratch directory that is removed when the test class is done.
/// </summary>
public sealed class PackagingFixture : IDisposable
{
    public const string PackageName = "xen-multibridge";

    private readonly Lazy<string> _debTree;
    private readonly Lazy<string> _rpmTree;
    private readonly ProcResult? _buildFailure;

    public PackagingFixture()
    {
        RepoRoot = FindRepoRoot();
        Version = ReadVersion(RepoRoot);
        BuildDir = Path.Combine(RepoRoot, "packaging", "build");
        DebPath = Path.Combine(BuildDir, $"{PackageName}_{Version}_amd64.deb");
        RpmPath = Path.Combine(BuildDir, $"{PackageName}-{Version}-1.x86_64.rpm");
        Scratch = Directory.CreateTempSubdirectory("xen-multibridge-pkg-").FullName;

        try
        {
            var make = PackagingTool.Run("make", ["-s", "deb", "rpm"], RepoRoot, TimeSpan.FromMinutes(15));
            if (make.ExitCode != 0 || !File.Exists(DebPath) || !File.Exists(RpmPath))
            {
                _buildFailure = make;
            }
        }
        catch
        {
            Dispose();
            throw;
        }

        _debTree = new Lazy<string>(() => Unpack("deb", dir =>
            PackagingTool.Run("dpkg-deb", ["-x", DebPath, dir])));
        _rpmTree = new Lazy<string>(() => Unpack("rpm", dir =>
            PackagingTool.Pipe("rpm2cpio", [RpmPath], "cpio", ["-idm", "--quiet", "--no-absolute-filenames"],
                dir, TimeSpan.FromMinutes(2))));
    }

    public string RepoRoot { get; }

    public string Version { get; }

    public string BuildDir { get; }

    public string DebPath { get; }

    public string RpmPath { get; }

    /// <summary>Removed in <see cref="Dispose"/>; tests put their own directories below it.</summary>
    public string Scratch { get; }

    /// <summary>The .deb unpacked with <c>dpkg-deb -x</c>.</summary>
    public string DebTree
    {
        get
        {
            EnsureBuilt();
            return _debTree.Value;
        }
    }

    /// <summary>The .rpm unpacked with <c>rpm2cpio | cpio -idm</c>.</summary>
    public string RpmTree
    {
        get
        {
            EnsureBuilt();
            return _rpmTree.Value;
        }
    }

    /// <summary>Fails the calling test with make's output when the packages could not be built.</summary>
    public void EnsureBuilt()
    {
        if (_buildFailure is not null)
        {
            throw new InvalidOperationException(
                $"make deb rpm did not produce {DebPath} and {RpmPath}:\n{_buildFailure.Describe()}");
        }
    }

    /// <summary>A fresh directory below <see cref="Scratch"/>.</summary>
    public string NewScratchDir(string name)
    {
        var dir = Path.Combine(Scratch, name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>
    /// Every entry below <paramref name="root"/> as "relative path" → description: "d" for a directory,
    /// "l -> target" for a symlink, "f mode sha256" for a regular file.
    /// </summary>
    public static SortedDictionary<string, string> Snapshot(string root)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = false };
        foreach (var path in Directory.EnumerateFileSystemEntries(root, "*", options))
        {
            var rel = Path.GetRelativePath(root, path);
            var info = new FileInfo(path);
            if (info.LinkTarget is { } target)
            {
                result[rel] = "l -> " + target;
            }
            else if (Directory.Exists(path))
            {
                result[rel] = "d";
            }
            else
            {
                using var stream = File.OpenRead(path);
                var mode = OperatingSystem.IsWindows() ? "?" : Convert.ToString((int)File.GetUnixFileMode(path), 8);
                result[rel] = $"f {mode} {Convert.ToHexString(SHA256.HashData(stream))}";
            }
        }
        return result;
    }

    /// <summary>The snapshot without directories.</summary>
    public static SortedDictionary<string, string> Entries(string root) =>
        new(Snapshot(root).Where(kv => kv.Value != "d").ToDictionary(kv => kv.Key, kv => kv.Value), StringComparer.Ordinal);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Scratch, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Already gone.
        }
    }

    private string Unpack(string kind, Func<string, ProcResult> unpack)
    {
        var dir = NewScratchDir(kind);
        var result = unpack(dir);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"unpacking the {kind} failed:\n{result.Describe()}");
        }
        return dir;
    }

    private static string FindRepoRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "XenHotplug.sln")))
                {
                    return dir.FullName;
                }
            }
        }
        throw new InvalidOperationException("XenHotplug.sln not found above " + AppContext.BaseDirectory);
    }

    private static string ReadVersion(string repoRoot)
    {
        var props = XDocument.Load(Path.Combine(repoRoot, "Directory.Build.props"));
        var version = props.Descendants("Version").Select(e => e.Value.Trim()).FirstOrDefault(v => v.Length > 0);
        return version ?? throw new InvalidOperationException("no <Version> in Directory.Build.props");
    }
}
