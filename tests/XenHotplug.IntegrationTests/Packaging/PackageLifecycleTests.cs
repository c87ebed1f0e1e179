using XenHotplug.TestSupport;

namespace XenHotplug.IntegrationTests.Packaging;

/// <summary>
/// The .deb installed for real with dpkg, the unit enabled with `systemctl enable`, removed, purged: nothing is left.
/// dpkg runs in a private mount namespace whose /etc, /usr and /var are overlays on a scratch tmpfs and whose /run is
/// a tmpfs, so the host's package database and files are never touched; what the run changed is the overlays' upper
/// layer, which the test reads.
/// </summary>
[Collection(PackagingTestGroup.Name)]
public sealed class PackageLifecycleTests : IClassFixture<PackagingFixture>
{
    private const string Script = """
        set -eu
        deb=$1 top=$2
        mount -t tmpfs tmpfs "$top"
        for d in etc usr var; do
          mkdir -p "$top/$d/upper" "$top/$d/work"
          mount -t overlay overlay -o "lowerdir=/$d,upperdir=$top/$d/upper,workdir=$top/$d/work" "/$d"
        done
        mount -t tmpfs tmpfs /run
        mkdir -p /run/lock
        export DEBIAN_FRONTEND=noninteractive PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
        dpkg -i "$deb" >/dev/null
        echo "== on PATH"
        command -v network-multibridge vif-multibridge
        network-multibridge --version | head -n1
        systemctl enable xen-multibridge.service >/dev/null 2>&1
        echo "== enabled"
        find /etc/systemd -name 'xen-multibridge*' | sort
        dpkg --remove xen-multibridge >/dev/null
        echo "== removed"
        find /etc/systemd /var/lib/systemd -name 'xen-multibridge*' | sort
        dpkg --purge xen-multibridge >/dev/null
        echo "== left after purge"
        cd "$top"
        find etc/upper usr/upper var/upper -not -type d | sed 's:^\([a-z]*\)/upper:/\1:' \
          | grep -v -E '^/var/(lib/dpkg|log|cache)/' | sort || true
        echo "== end"
        """;

    private readonly PackagingFixture _fx;

    public PackageLifecycleTests(PackagingFixture fixture) => _fx = fixture;

    [Fact]
    public void Install_EnableUnit_Purge_LeavesNothing()
    {
        _fx.EnsureBuilt();
        var top = _fx.NewScratchDir("lifecycle");
        var script = Path.Combine(_fx.NewScratchDir("lifecycle-script"), "lifecycle.sh");
        File.WriteAllText(script, Script);
        var r = Proc.Run("unshare", ["--mount", "--propagation", "private", "bash", script, _fx.DebPath, top], timeout: TimeSpan.FromMinutes(3));
        Assert.True(r.ExitCode == 0, r.ToString());
        var section = (string name) => r.StdOut.Split($"== {name}\n")[1].Split("== ")[0];
        Assert.StartsWith($"/usr/sbin/network-multibridge\n/usr/sbin/vif-multibridge\nnetwork-multibridge {_fx.Version}", section("on PATH"), StringComparison.Ordinal);
        Assert.Contains("/etc/systemd/system/multi-user.target.wants/xen-multibridge.service", section("enabled"), StringComparison.Ordinal);
        // Removed, not purged: the enablement stays (it is configuration), the unit is masked so it cannot start.
        Assert.Contains("/etc/systemd/system/xen-multibridge.service\n", section("removed"), StringComparison.Ordinal);
        Assert.True(section("left after purge").Length == 0, "left after purge:\n" + section("left after purge"));
    }
}
