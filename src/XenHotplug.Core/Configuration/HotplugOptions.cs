namespace XenHotplug.Core.Configuration;

/// <summary>The [hotplug] section: how vif-multibridge runs (defaults and documentation: <see cref="ConfigSchema"/>).</summary>
public sealed record HotplugOptions
{
    /// <summary>Seconds to wait for the vif device to appear (the netback race).</summary>
    public double DeviceWait { get; init; } = ConfigSchema.DeviceWait.Default;

    /// <summary>
    /// Seconds one hotplug may take in all, waits included (device, lock, xenstore, hooks); well under
    /// libxl's 40 s kill, so the failure is always reported.
    /// </summary>
    public double Deadline { get; init; } = ConfigSchema.Deadline.Default;

    /// <summary>Directory of executable *.hook files run after each action.</summary>
    public string HooksDir { get; init; } = ConfigSchema.HooksDir.Default;

    /// <summary>How vif ports are configured. Creating bridges and moving routes always use ip.</summary>
    public NetworkBackend NetworkBackend { get; init; } = ConfigSchema.Backend.Default;

    /// <summary>Locks, round-robin cursors and the network journal.</summary>
    public string RunDir { get; init; } = ConfigSchema.RunDir.Default;
}
