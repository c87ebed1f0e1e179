using System.IO.Compression;
using XenHotplug.TestSupport;

namespace XenHotplug.IntegrationTests.Packaging;

/// <summary>
/// The .deb, the .rpm and <c>make install</c> deliver the same tree, lintian accepts the .deb,
/// and the packaged executables run. Needs root-free tools only (dpkg-deb, rpm, cpio, lintian,
/// groff; <c>make package-deps</c> installs them) and a finished <c>make build</c>.
/// </summary>
[Collection(PackagingTestGroup.Name)]
public sealed class PackagingTests : IClassFixture<PackagingFixture>
{
    private const string LibDir = "usr/lib/xen-multibridge";

    /// <summary>Every non-directory entry the packages must contain, relative to /.</summary>
    private static readonly string[] ExpectedEntries =
    [
        "etc/xen/multibridge.ini",
        "etc/xen/scripts/network-multibridge",
        "etc/xen/scripts/vif-multibridge",
        "usr/lib/systemd/system/xen-multibridge.service",
        "usr/lib/systemd/system/xen-multibridge-balancer.service",
        "usr/lib/xen-multibridge/network-multibridge",
        "usr/lib/xen-multibridge/vif-multibridge",
        "usr/share/doc/xen-multibridge/changelog.gz",
        "usr/share/doc/xen-multibridge/copyright",
        "usr/share/doc/xen-multibridge/examples/xend-config.sxp.snippet",
        "usr/share/doc/xen-multibridge/examples/xl.conf.snippet",
        "usr/share/man/man5/multibridge.ini.5.gz",
        "usr/share/man/man8/network-multibridge.8.gz",
        "usr/share/man/man8/vif-multibridge.8.gz",
        "usr/sbin/network-multibridge",
        "usr/sbin/vif-multibridge",
    ];

    private static readonly string[] Programs = ["vif-multibridge", "network-multibridge"];

    private static readonly TimeSpan ToolTimeout = TimeSpan.FromMinutes(2);

    private readonly PackagingFixture _fx;

    public PackagingTests(PackagingFixture fixture) => _fx = fixture;

    [Fact]
    public void Deb_contains_exactly_the_expected_tree()
    {
        var entries = PackagingFixture.Entries(_fx.DebTree);
        Assert.Equal(ExpectedEntries.Order(StringComparer.Ordinal), entries.Keys);
        AssertLayout(_fx.DebTree, entries);

        // Every entry of the archive belongs to root.
        var listing = Ok(PackagingTool.Run("dpkg-deb", ["-c", _fx.DebPath]));
        foreach (var line in Lines(listing.StdOut))
        {
            var owner = line.Split(' ', 3, StringSplitOptions.RemoveEmptyEntries)[1];
            Assert.True(owner == "root/root", $"not owned by root: {line}");
        }
    }

    [Fact]
    public void Deb_control_lists_the_conffile_and_dependencies()
    {
        var control = _fx.NewScratchDir("control");
        Ok(PackagingTool.Run("dpkg-deb", ["-e", _fx.DebPath, control]));

        var conffiles = Lines(File.ReadAllText(Path.Combine(control, "conffiles")));
        Assert.Contains("/etc/xen/multibridge.ini", conffiles);

        var fields = File.ReadAllLines(Path.Combine(control, "control"))
            .Where(l => !l.StartsWith(' ') && l.Contains(':', StringComparison.Ordinal))
            .ToDictionary(l => l[..l.IndexOf(':', StringComparison.Ordinal)], l => l[(l.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim());
        Assert.Equal(PackagingFixture.PackageName, fields["Package"]);
        Assert.Equal(_fx.Version, fields["Version"]);
        Assert.Equal("amd64", fields["Architecture"]);
        Assert.Contains("iproute2", fields["Depends"].Split(',').Select(d => d.Trim().Split(' ')[0]));
    }

    [Theory]
    [InlineData("vif-multibridge")]
    [InlineData("network-multibridge")]
    public void Deb_executables_answer_version_and_help(string program) =>
        AssertAnswersVersionAndHelp(Path.Combine(_fx.DebTree, LibDir, program), program, _fx.Version);

    [Theory]
    [InlineData("vif-multibridge")]
    [InlineData("network-multibridge")]
    public void Rpm_executables_answer_version_and_help(string program) =>
        AssertAnswersVersionAndHelp(Path.Combine(_fx.RpmTree, LibDir, program), program, _fx.Version);

    [Fact]
    public void Rpm_unpacks_to_the_same_tree_as_the_deb()
    {
        var rpm = PackagingFixture.Entries(_fx.RpmTree);
        Assert.Equal(PackagingFixture.Entries(_fx.DebTree), rpm);
        AssertLayout(_fx.RpmTree, rpm);
    }

    [Fact]
    public void Rpm_file_list_equals_deb_file_list()
    {
        var debAll = new SortedSet<string>(StringComparer.Ordinal);
        var debDirs = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in Lines(Ok(PackagingTool.Run("dpkg-deb", ["-c", _fx.DebPath])).StdOut))
        {
            // drwxr-xr-x root/root 0 2026-01-01 00:00 ./usr/lib/   (symlinks end in " -> target")
            var path = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries)[5].Split(" -> ")[0];
            path = "/" + path.TrimStart('.').Trim('/');
            if (path == "/")
            {
                continue;
            }
            debAll.Add(path);
            if (line.StartsWith('d'))
            {
                debDirs.Add(path);
            }
        }

        var rpmAll = Lines(Ok(PackagingTool.Run("rpm", ["-qlp", _fx.RpmPath])).StdOut).ToList();
        Assert.All(rpmAll, p => Assert.Contains(p, debAll));
        Assert.Equal(debAll.Where(p => !debDirs.Contains(p)), rpmAll.Where(p => !debDirs.Contains(p)).Order(StringComparer.Ordinal));

        // The rpm owns its own directories and none of the system's.
        var rpmDirs = rpmAll.Where(debDirs.Contains).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("/usr/lib/xen-multibridge", rpmDirs);
        Assert.Contains("/usr/share/doc/xen-multibridge", rpmDirs);
        Assert.DoesNotContain("/etc/xen/scripts", rpmDirs);
        Assert.DoesNotContain("/usr/share/man/man8", rpmDirs);
    }

    [Fact]
    public void Rpm_marks_the_sample_config_noreplace_and_requires_iproute()
    {
        var flags = Lines(Ok(PackagingTool.Run("rpm", ["-qp", "--qf", "[%{FILENAMES}|%{FILEFLAGS:fflags}\\n]", _fx.RpmPath])).StdOut)
            .Select(l => l.Split('|', 2))
            .ToDictionary(f => f[0], f => f[1], StringComparer.Ordinal);
        Assert.Contains('c', flags["/etc/xen/multibridge.ini"]);
        Assert.Contains('n', flags["/etc/xen/multibridge.ini"]);

        var info = Ok(PackagingTool.Run("rpm", ["-qp", "--qf", "%{NAME} %{VERSION} %{RELEASE} %{ARCH}", _fx.RpmPath])).StdOut;
        Assert.Equal($"{PackagingFixture.PackageName} {_fx.Version} 1 x86_64", info.Trim());
        var requires = Ok(PackagingTool.Run("rpm", ["-qp", "--requires", _fx.RpmPath])).StdOut;
        Assert.Contains("iproute", requires, StringComparison.Ordinal);
    }

    [Fact]
    public void Rpm_scriptlets_stop_both_units_on_erase_balancer_first_and_restart_only_the_balancer_on_upgrade()
    {
        var scripts = Ok(PackagingTool.Run("rpm", ["-qp", "--scripts", _fx.RpmPath])).StdOut;
        var preun = scripts.Split("preuninstall scriptlet")[1].Split("postuninstall scriptlet")[0];
        var postun = scripts.Split("postuninstall scriptlet")[1];
        var balancer = preun.IndexOf("disable --now xen-multibridge-balancer.service", StringComparison.Ordinal);
        var bridges = preun.IndexOf("disable --now xen-multibridge.service", StringComparison.Ordinal);
        Assert.True(balancer >= 0 && bridges > balancer, preun);
        Assert.Contains("try-restart xen-multibridge-balancer.service", postun, StringComparison.Ordinal);
        Assert.DoesNotContain("restart xen-multibridge.service", scripts, StringComparison.Ordinal);
        Assert.Contains("daemon-reload", scripts.Split("preuninstall scriptlet")[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Packages_name_no_home_page_that_does_not_exist()
    {
        var control = _fx.NewScratchDir("homepage");
        Ok(PackagingTool.Run("dpkg-deb", ["-e", _fx.DebPath, control]));
        Assert.DoesNotContain(File.ReadAllLines(Path.Combine(control, "control")), l => l.StartsWith("Homepage:", StringComparison.Ordinal));
        Assert.True(File.Exists(Path.Combine(control, "prerm")), "the .deb has no prerm");
        var url = Ok(PackagingTool.Run("rpm", ["-qp", "--qf", "%{URL}", _fx.RpmPath])).StdOut.Trim();
        Assert.True(url is "" or "(none)", url);
    }

    [Fact]
    public void Lintian_reports_no_errors()
    {
        _fx.EnsureBuilt();
        var result = PackagingTool.Run("lintian", ["--no-tag-display-limit", _fx.DebPath], timeout: TimeSpan.FromMinutes(3));
        var errors = Lines(result.StdOut).Where(l => l.StartsWith("E:", StringComparison.Ordinal)).ToList();
        Assert.True(errors.Count == 0, "lintian errors:\n" + string.Join('\n', errors));
        Assert.True(result.ExitCode == 0, result.Describe());
    }

    [Fact]
    public void Make_install_produces_the_same_tree()
    {
        _fx.EnsureBuilt();
        var destdir = _fx.NewScratchDir("install");
        Ok(PackagingTool.Run("make", ["-s", "install", "DESTDIR=" + destdir, "PREFIX=/usr"], _fx.RepoRoot, ToolTimeout));

        var installed = PackagingFixture.Snapshot(destdir);
        var deb = PackagingFixture.Snapshot(_fx.DebTree);
        Assert.Equal(deb.Where(kv => kv.Value != "d"), installed.Where(kv => kv.Value != "d"));
        Assert.All(installed.Where(kv => kv.Value == "d"), kv => Assert.True(deb.ContainsKey(kv.Key), $"extra directory {kv.Key}"));
    }

    [Theory]
    [InlineData("usr/share/man/man8/vif-multibridge.8.gz")]
    [InlineData("usr/share/man/man8/network-multibridge.8.gz")]
    [InlineData("usr/share/man/man5/multibridge.ini.5.gz")]
    public void Man_pages_render_without_warnings(string page)
    {
        using var gz = new GZipStream(File.OpenRead(Path.Combine(_fx.DebTree, page)), CompressionMode.Decompress);
        using var source = new MemoryStream();
        gz.CopyTo(source);
        source.Position = 0;
        // -P-cbou: plain text, without SGR escapes or overstriking, so the text can be searched.
        var groff = PackagingTool.Run("groff", ["-man", "-Tutf8", "-ww", "-P-cbou"], stdin: source, timeout: ToolTimeout);
        Assert.True(groff.ExitCode == 0 && groff.StdErr.Length == 0, groff.Describe());
        Assert.Contains("NAME", groff.StdOut, StringComparison.Ordinal);
        Assert.Contains(_fx.Version, groff.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public void Balancer_unit_runs_watch_after_the_bridges_exist()
    {
        var unit = File.ReadAllLines(Path.Combine(_fx.DebTree, "usr/lib/systemd/system/xen-multibridge-balancer.service"))
            .Select(l => l.Trim()).ToHashSet(StringComparer.Ordinal);
        foreach (var line in new[]
        {
            "Type=simple", "ExecStart=/etc/xen/scripts/network-multibridge watch", "Restart=on-failure",
            "After=xen-multibridge.service", "Requires=xen-multibridge.service", "WantedBy=multi-user.target",
        })
        {
            Assert.Contains(line, unit);
        }
    }

    [Fact]
    public void Unit_runs_network_multibridge_before_the_guests()
    {
        var unit = File.ReadAllLines(Path.Combine(_fx.DebTree, "usr/lib/systemd/system/xen-multibridge.service"))
            .Select(l => l.Trim()).ToHashSet(StringComparer.Ordinal);
        foreach (var line in new[]
        {
            "Type=oneshot", "RemainAfterExit=yes",
            "ExecStart=/etc/xen/scripts/network-multibridge start",
            "ExecStop=/etc/xen/scripts/network-multibridge stop",
            "Before=xendomains.service xen-watchdog.service",
            "After=network-online.target", "Wants=network-online.target",
            "WantedBy=multi-user.target",
        })
        {
            Assert.Contains(line, unit);
        }
    }

    private static void AssertLayout(string root, SortedDictionary<string, string> entries)
    {
        foreach (var program in Programs)
        {
            Assert.StartsWith("f 755 ", entries[$"{LibDir}/{program}"], StringComparison.Ordinal);
            Assert.Equal($"l -> /{LibDir}/{program}", entries[$"etc/xen/scripts/{program}"]);
            Assert.Equal($"l -> /{LibDir}/{program}", entries[$"usr/sbin/{program}"]); // on root's PATH
        }
        Assert.StartsWith("f 644 ", entries["etc/xen/multibridge.ini"], StringComparison.Ordinal);
        var ini = File.ReadAllText(Path.Combine(root, "etc/xen/multibridge.ini"));
        foreach (var section in new[] { "[hotplug]", "[policy]", "[network]", "[pool:default]" })
        {
            Assert.Contains(section, ini, StringComparison.Ordinal);
        }
        foreach (var (path, description) in entries.Where(kv => kv.Value.StartsWith('f') && !kv.Key.StartsWith(LibDir, StringComparison.Ordinal)))
        {
            Assert.True(description.StartsWith("f 644 ", StringComparison.Ordinal), $"{path}: {description}");
        }
    }

    private static void AssertAnswersVersionAndHelp(string executable, string program, string expectedVersion)
    {
        Assert.True(File.Exists(executable), executable + " is missing");
        var version = PackagingTool.Run(executable, ["--version"], timeout: TimeSpan.FromSeconds(30));
        Assert.True(version.ExitCode == 0, version.Describe());
        var first = Lines(version.StdOut).FirstOrDefault() ?? string.Empty;
        Assert.True(first.StartsWith(program + " ", StringComparison.Ordinal) && first.Contains(expectedVersion, StringComparison.Ordinal),
            $"--version should start with \"{program} {expectedVersion}\": {version.Describe()}");

        var help = PackagingTool.Run(executable, ["--help"], timeout: TimeSpan.FromSeconds(30));
        Assert.True(help.ExitCode == 0, help.Describe());
        Assert.False(string.IsNullOrWhiteSpace(help.StdOut), $"--help printed nothing: {help.Describe()}");
    }

    private static ProcResult Ok(ProcResult result)
    {
        Assert.True(result.ExitCode == 0, result.Describe());
        return result;
    }

    private static string[] Lines(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
