using CliWrap;
using CliWrap.Buffered;

namespace XenHotplug.Host.Bridges;

/// <summary>
/// Loads the bonding driver with max_bonds=0 before the first bond is created, as systemd's modprobe.d does: loaded
/// with its default (one bond) by `ip link add ... type bond`, the driver would first create a stray bond0 of its own,
/// and ours would fail with "File exists". A kernel without it is left to say so when the bond is created.
/// </summary>
public static class BondingModule
{
    private const string Loaded = "/sys/module/bonding";

    /// <summary>True when the driver is there (built in, loaded, or loaded now); a failure of modprobe is returned in <paramref name="problem"/>.</summary>
    public static bool Ensure(out string? problem)
    {
        problem = null;
        if (Directory.Exists(Loaded)) return true;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var result = Cli.Wrap("modprobe").WithArguments(["bonding", "max_bonds=0"]).WithWorkingDirectory("/")
                .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(timeout.Token).GetAwaiter().GetResult();
            if (result.ExitCode != 0) problem = result.StandardError.Trim().Split('\n')[0];
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or OperationCanceledException or InvalidOperationException)
        {
            problem = "modprobe: " + e.Message;
        }
        return Directory.Exists(Loaded);
    }
}
