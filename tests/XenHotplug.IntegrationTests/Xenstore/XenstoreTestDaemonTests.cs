using System.Diagnostics;
using System.Globalization;
using XenHotplug.Host.Xenstore;

namespace XenHotplug.IntegrationTests.Xenstore;

/// <summary>The xenstore-testd executable: serves on --socket, writes --pidfile, exits cleanly on SIGTERM.</summary>
public sealed class XenstoreTestDaemonTests
{
    [Fact]
    public async Task Daemon_serves_tools_and_cleans_up_on_sigterm()
    {
        string directory = Path.Combine(Path.GetTempPath(), $"xs-daemon-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(directory);
        string socket = Path.Combine(directory, "socket");
        string pidFile = Path.Combine(directory, "pid");
        var startInfo = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "xenstore-testd.dll"), "--socket", socket, "--pidfile", pidFile })
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var daemon = Process.Start(startInfo)!;
        try
        {
            var stdout = daemon.StandardOutput.ReadToEndAsync();
            var stderr = daemon.StandardError.ReadToEndAsync();
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (!File.Exists(pidFile) || new FileInfo(pidFile).Length == 0)
            {
                Assert.False(daemon.HasExited, "xenstore-testd exited early");
                Assert.True(DateTime.UtcNow < deadline, "xenstore-testd did not write its pid file");
                Thread.Sleep(50);
            }

            Assert.Equal(daemon.Id, int.Parse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture));
            Assert.Equal(0, XenstoreTool.Run(socket, "xenstore-write", "/daemon/check", "ok").ExitCode);
            using (var client = XenstoreClient.Connect(socket))
            {
                Assert.Equal("ok", client.Read("/daemon/check"));
            }

            using (var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", daemon.Id.ToString(CultureInfo.InvariantCulture) } })!)
            {
                kill.WaitForExit(TimeSpan.FromSeconds(5));
            }

            Assert.True(daemon.WaitForExit(TimeSpan.FromSeconds(10)), "xenstore-testd did not stop on SIGTERM");
            daemon.WaitForExit();
            Assert.Equal(0, daemon.ExitCode);
            Assert.Equal(string.Empty, await stdout);
            Assert.Equal(string.Empty, await stderr);
            Assert.False(File.Exists(socket), "socket left behind");
            Assert.False(File.Exists(pidFile), "pid file left behind");
        }
        finally
        {
            if (!daemon.HasExited)
            {
                daemon.Kill(entireProcessTree: true);
            }

            System.IO.Directory.Delete(directory, recursive: true);
        }
    }
}
