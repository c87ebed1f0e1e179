using XenHotplug.Host.RunState;

namespace XenHotplug.Host.Firewall;

/// <summary>
/// The run directory's note of which interface each guest NIC's guard is keyed by (antispoof/vifD.V, or
/// vifD.V-emu for a tap, holding the interface name): an offline finds the guard to remove even when the
/// device is gone and the backend no longer says what vifname it had.
/// </summary>
public sealed class GuardRecords(string runDir)
{
    public string Dir { get; } = Path.Combine(runDir, "antispoof");

    private string PathOf(string device) => Path.Combine(Dir, device);

    /// <summary>
    /// Notes the interface, atomically but without fsync: the note and the rules it points to both die with a reboot,
    /// and a flush to a disk-backed run directory would cost the online milliseconds.
    /// </summary>
    public void Write(string device, string interfaceName) => AtomicFile.WriteText(PathOf(device), interfaceName + "\n", flushToDisk: false);

    /// <summary>The interface guarded for this NIC, or null when there is no record.</summary>
    public string? Read(string device)
    {
        try
        {
            return File.ReadAllText(PathOf(device)).Trim() is { Length: > 0 } name ? name : null;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    public void Delete(string device) => File.Delete(PathOf(device));
}
