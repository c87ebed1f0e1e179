namespace XenHotplug.Core.Configuration;

/// <summary>The [hotplug] section: how vif-multibridge runs.</summary>
public sealed class HotplugOptions
{
    /// <summary>Seconds to wait for the vif device to appear (the netback race).</summary>
    public double DeviceWait { get; set; } = 5;

    /// <summary>
    /// Seconds one hotplug may take in all, waits included (device, lock, xenstore, hooks); well under
    /// libxl's 40 s kill, so the failure is always reported.
    /// </summary>
    public double Deadline { get; set; } = 25;

    /// <summary>Directory of executable *.hook files run after each action.</summary>
    public string HooksDir { get; set; } = "/etc/xen/scripts/vif-post.d";

    /// <summary>
    /// How vif ports are configured: netlink (rtnetlink directly, no process) or ip (one `ip -batch`
    /// child through CliWrap). Creating bridges and moving routes always use ip.
    /// </summary>
    public string NetworkBackend { get; set; } = "netlink";

    /// <summary>Locks, round-robin cursors and the network journal.</summary>
    public string RunDir { get; set; } = "/run/xen-multibridge";
}
