using XenHotplug.TestSupport;

namespace XenHotplug.IntegrationTests.Packaging;

/// <summary>
/// The .deb installed for real with dpkg, both units enabled with `systemctl enable`, upgraded, removed, purged: each
/// step asks systemd what dh_installsystemd's scripts would for every unit, and nothing is left.
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
        # /run/systemd/system: the maintainer scripts act as on a host that runs systemd. systemctl and
        # deb-systemd-invoke are replaced by stand-ins that record their arguments (nothing is started or
        # stopped; enable/disable go to the real systemctl, offline); deb-systemd-helper records, then runs.
        mkdir -p /run/lock /run/systemd/system
        calls=$top/calls
        for tool in systemctl deb-systemd-invoke deb-systemd-helper; do
          mv "/usr/bin/$tool" "/usr/bin/$tool.real"
        done
        printf '#!/bin/sh\necho "systemctl $*" >>%s\ncase "$*" in *enable*|*disable*|*is-enabled*) SYSTEMD_OFFLINE=1 exec /usr/bin/systemctl.real "$@";; esac\nexit 0\n' "$calls" >/usr/bin/systemctl
        printf '#!/bin/sh\necho "deb-systemd-invoke $*" >>%s\nexit 0\n' "$calls" >/usr/bin/deb-systemd-invoke
        printf '#!/bin/sh\necho "deb-systemd-helper $*" >>%s\nexec /usr/bin/deb-systemd-helper.real "$@"\n' "$calls" >/usr/bin/deb-systemd-helper
        chmod 0755 /usr/bin/systemctl /usr/bin/deb-systemd-invoke /usr/bin/deb-systemd-helper
        calls() { echo "== $1 calls"; cat "$calls" 2>/dev/null; : >"$calls"; }
        export DEBIAN_FRONTEND=noninteractive PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
        dpkg -i "$deb" >/dev/null
        calls install
        echo "== on PATH"
        command -v network-multibridge vif-multibridge
        network-multibridge --version | head -n1
        systemctl enable xen-multibridge.service xen-multibridge-balancer.service >/dev/null 2>&1
        : >"$calls"
        echo "== enabled"
        find /etc/systemd -name 'xen-multibridge*' | sort
        dpkg -i "$deb" >/dev/null
        calls upgrade
        dpkg --remove xen-multibridge >/dev/null
        calls remove
        echo "== removed"
        find /etc/systemd /var/lib/systemd -name 'xen-multibridge*' | sort
        dpkg --purge xen-multibridge >/dev/null
        calls purge
        echo "== left after purge"
        cd "$top"
        find etc/upper usr/upper var/upper -not -type d | sed 's:^\([a-z]*\)/upper:/\1:' \
          | grep -v -E '^/var/(lib/dpkg|log|cache)/|^/usr/bin/(systemctl|deb-systemd-invoke|deb-systemd-helper)(\.real)?$' | sort || true
        echo "== end"
        """;

    private static readonly string[] Units = ["xen-multibridge.service", "xen-multibridge-balancer.service"];

    private readonly PackagingFixture _fx;

    public PackageLifecycleTests(PackagingFixture fixture) => _fx = fixture;

    [Fact]
    public void Install_enable_the_unit_and_purge_leaves_nothing()
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
        Assert.Contains("/etc/systemd/system/multi-user.target.wants/xen-multibridge-balancer.service", section("enabled"), StringComparison.Ordinal);
        // Removed, not purged: the enablement stays (it is configuration), the units are masked so they cannot start.
        Assert.Contains("/etc/systemd/system/xen-multibridge.service\n", section("removed"), StringComparison.Ordinal);
        Assert.Contains("/etc/systemd/system/xen-multibridge-balancer.service\n", section("removed"), StringComparison.Ordinal);

        // What each step asked of systemd, for every unit the package ships.
        string[] Calls(string step) => [.. section($"{step} calls").Split('\n', StringSplitOptions.RemoveEmptyEntries)];
        foreach (var unit in Units)
        {
            Assert.Contains($"deb-systemd-helper update-state {unit}", Calls("install"));
            Assert.Contains($"deb-systemd-helper mask {unit}", Calls("remove"));
            Assert.Contains($"deb-systemd-helper purge {unit}", Calls("purge"));
            Assert.Contains($"deb-systemd-helper unmask {unit}", Calls("purge"));
            Assert.DoesNotContain(Calls("install"), c => c.StartsWith("deb-systemd-invoke", StringComparison.Ordinal));
        }
        Assert.Contains("systemctl --system daemon-reload", Calls("install"));
        // An upgrade restarts a running balancer (no `watch` goes on running the old program), never the bridges.
        Assert.Equal(["deb-systemd-invoke try-restart xen-multibridge-balancer.service"],
            Calls("upgrade").Where(c => c.StartsWith("deb-systemd-invoke", StringComparison.Ordinal)));
        foreach (var unit in Units) Assert.Contains($"deb-systemd-helper enable {unit}", Calls("upgrade")); // still enabled
        // Removal stops the balancer first (it moves ports), then the bridges (network-multibridge stop).
        Assert.Equal(["deb-systemd-invoke stop xen-multibridge-balancer.service", "deb-systemd-invoke stop xen-multibridge.service"],
            Calls("remove").Where(c => c.StartsWith("deb-systemd-invoke", StringComparison.Ordinal)));
        Assert.Contains("systemctl --system daemon-reload", Calls("purge"));
        Assert.True(section("left after purge").Length == 0, "left after purge:\n" + section("left after purge"));
    }
}
