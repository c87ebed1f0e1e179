using System.Globalization;
using System.Runtime.InteropServices;

namespace XenHotplug.XenstoreServer;

/// <summary>xenstore-testd --socket PATH [--pidfile FILE]: serves until SIGTERM/SIGINT, then removes the socket.</summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        string? socketPath = null;
        string? pidFile = null;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--socket" when i + 1 < args.Length:
                    socketPath = args[++i];
                    break;
                case "--pidfile" when i + 1 < args.Length:
                    pidFile = args[++i];
                    break;
                default:
                    return Usage($"unexpected argument \"{args[i]}\"");
            }
        }

        if (string.IsNullOrEmpty(socketPath))
        {
            return Usage("--socket is required");
        }

        using var stop = new ManualResetEventSlim();
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Set();
        }

        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        XenstoreTestServer server;
        try
        {
            server = XenstoreTestServer.Start(socketPath);
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"xenstore-testd: cannot listen on {socketPath}: {ex.Message}");
            return 1;
        }

        using (server)
        {
            if (pidFile is not null)
            {
                File.WriteAllText(pidFile, Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n");
            }

            stop.Wait();
        }

        if (pidFile is not null)
        {
            File.Delete(pidFile);
        }

        return 0;
    }

    private static int Usage(string problem)
    {
        Console.Error.WriteLine($"xenstore-testd: {problem}");
        Console.Error.WriteLine("usage: xenstore-testd --socket PATH [--pidfile FILE]");
        return 2;
    }
}
