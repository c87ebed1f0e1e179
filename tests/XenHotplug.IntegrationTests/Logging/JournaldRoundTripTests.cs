using XenHotplug.TestSupport;

namespace XenHotplug.IntegrationTests.Logging;

/// <summary>
/// The log entries reach the real systemd-journald and `journalctl -t NAME` finds them. journald runs in a private
/// mount and network namespace (`unshare -m -n`): tmpfs on /run and /var/log/journal, so the host's journal, sockets
/// and network are never touched; everything started there is killed when the script ends.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class JournaldRoundTripTests
{
    private const string Journald = "/lib/systemd/systemd-journald";

    // $1 network-multibridge, $2 vif-multibridge, $3 a scratch directory. /dev/log is used as is when the host has
    // it as a symlink into /run (Debian: /run/systemd/journal/dev-log, now ours), bind-mounted over when it is a
    // socket, and named through XEN_MULTIBRIDGE_SYSLOG when the host has none (a container).
    private const string Script = """
        set -eu
        net=$1 vif=$2 work=$3
        mount -t tmpfs tmpfs /run
        if [ -d /var/log/journal ]; then mount -t tmpfs tmpfs /var/log/journal; fi
        mkdir -p /run/systemd/journal
        /lib/systemd/systemd-journald </dev/null >"$work/journald.out" 2>&1 &
        jpid=$!
        trap 'kill $jpid 2>/dev/null; wait $jpid 2>/dev/null || true' EXIT
        for _ in $(seq 300); do [ -S /run/systemd/journal/dev-log ] && break; sleep 0.1; done
        [ -S /run/systemd/journal/dev-log ] || { echo "journald did not create its socket" >&2; cat "$work/journald.out" >&2; exit 1; }
        if [ -L /dev/log ]; then
          [ "$(readlink -f /dev/log)" = /run/systemd/journal/dev-log ] || export XEN_MULTIBRIDGE_SYSLOG=/run/systemd/journal/dev-log
        elif [ -S /dev/log ]; then
          mount --bind /run/systemd/journal/dev-log /dev/log
        else
          export XEN_MULTIBRIDGE_SYSLOG=/run/systemd/journal/dev-log
        fi
        printf '' >"$work/empty.ini"
        XEN_MULTIBRIDGE_CONFIG="$work/empty.ini" XEN_MULTIBRIDGE_RUNDIR="$work/run" "$net" start || true
        XEN_MULTIBRIDGE_CONFIG="$work/empty.ini" XEN_MULTIBRIDGE_RUNDIR="$work/run" XENSTORED_PATH="$work/no-xenstore" \
          "$vif" online type_if=vif vif=vif7.0 XENBUS_PATH=backend/vif/7/0 || true
        for _ in $(seq 300); do
          if journalctl --no-pager -q -t network-multibridge -o cat | grep -q . && journalctl --no-pager -q -t vif-multibridge -o cat | grep -q .; then break; fi
          sleep 0.1
        done
        echo "== network-multibridge"
        journalctl --no-pager -q -t network-multibridge -o export | grep -a -E '^(MESSAGE|PRIORITY|SYSLOG_FACILITY|SYSLOG_IDENTIFIER|_TRANSPORT)='
        echo "== vif-multibridge"
        journalctl --no-pager -q -t vif-multibridge -o export | grep -a -E '^(MESSAGE|PRIORITY|SYSLOG_FACILITY|SYSLOG_IDENTIFIER|_TRANSPORT)='
        """;

    [Fact]
    public void Journalctl_t_finds_the_entries_of_both_tools()
    {
        Assert.True(File.Exists(Journald), $"{Journald} is missing: tests/scripts/install-deps.sh installs systemd");
        var work = Directory.CreateTempSubdirectory("xhp-journald-").FullName;
        try
        {
            var script = Path.Combine(work, "journald.sh");
            File.WriteAllText(script, Script);
            var r = Proc.Run("unshare", ["--mount", "--net", "--propagation", "private", "bash", script, Binaries.Network, Binaries.Vif, work],
                timeout: TimeSpan.FromSeconds(120));
            Assert.True(r.ExitCode == 0, r.ToString());
            var sections = r.StdOut.Split("== vif-multibridge");
            Assert.Equal(2, sections.Length);
            var net = sections[0];
            var vif = sections[1];
            Assert.Contains("SYSLOG_IDENTIFIER=network-multibridge", net, StringComparison.Ordinal);
            Assert.Contains("_TRANSPORT=syslog", net, StringComparison.Ordinal);
            Assert.Contains("SYSLOG_FACILITY=3", net, StringComparison.Ordinal);
            Assert.Contains("PRIORITY=6", net, StringComparison.Ordinal);
            Assert.Matches(@"MESSAGE=no bridges declared in .*empty\.ini: nothing to do", net);
            Assert.Contains("SYSLOG_IDENTIFIER=vif-multibridge", vif, StringComparison.Ordinal);
            Assert.Contains("PRIORITY=3", vif, StringComparison.Ordinal); // the failed online is daemon.err
            Assert.Matches(@"MESSAGE=online vif7\.0: ", vif);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
