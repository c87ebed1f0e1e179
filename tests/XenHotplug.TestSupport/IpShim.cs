namespace XenHotplug.TestSupport;

/// <summary>
/// A script named `ip` put first in PATH: counts its calls in a file; on call FAIL_AT exits 1 without running the
/// real ip; on call SLEEP_AT (optionally after running the real ip) records its pid and sleeps, so the test can kill -9.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class IpShim
{
    public IpShim(string dir)
    {
        Dir = Path.Combine(dir, "shim");
        Directory.CreateDirectory(Dir);
        CountFile = Path.Combine(dir, "ip-calls");
        var real = new[] { "/usr/sbin/ip", "/sbin/ip", "/bin/ip", "/usr/bin/ip" }.First(File.Exists);
        var script = Path.Combine(Dir, "ip");
        File.WriteAllText(script, $$"""
            #!/bin/bash
            n=$(( $(cat "$SHIM_COUNT" 2>/dev/null || echo 0) + 1 )); echo $n > "$SHIM_COUNT"
            if [ "$n" = "${SHIM_FAIL_AT:-0}" ]; then echo "shim: injected failure at call $n" >&2; exit 1; fi
            if [ "$n" = "${SHIM_SLEEP_AT:-0}" ]; then
              if [ "${SHIM_SLEEP_AFTER:-0}" = 1 ]; then {{real}} "$@"; fi
              echo $$ > "$SHIM_COUNT.sleeping"; exec sleep 600
            fi
            exec {{real}} "$@"

            """);
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
    }

    public string Dir { get; }
    public string CountFile { get; }
    public string SleeperFile => CountFile + ".sleeping";

    public int Calls => File.Exists(CountFile) ? int.Parse(File.ReadAllText(CountFile).Trim(), System.Globalization.CultureInfo.InvariantCulture) : 0;

    public Dictionary<string, string> Env(int failAt = 0, int sleepAt = 0, bool sleepAfter = false)
    {
        File.Delete(CountFile);
        File.Delete(SleeperFile);
        return new()
        {
            ["PATH"] = Dir + ":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            ["SHIM_COUNT"] = CountFile,
            ["SHIM_FAIL_AT"] = failAt.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["SHIM_SLEEP_AT"] = sleepAt.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["SHIM_SLEEP_AFTER"] = sleepAfter ? "1" : "0",
        };
    }
}
