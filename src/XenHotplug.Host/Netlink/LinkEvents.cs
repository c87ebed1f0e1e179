using XenHotplug.Host.Native;

namespace XenHotplug.Host.Netlink;

/// <summary>
/// Link notifications from the kernel: a NETLINK_ROUTE socket subscribed to RTMGRP_LINK, so a lost or returning
/// carrier wakes the balancer at once (no polling). Subscribe before reading the state the events change.
/// </summary>
public sealed class LinkEvents : IDisposable
{
    private const ushort RTM_NEWLINK = 16, RTM_DELLINK = 17;
    private const ushort IFLA_IFNAME = 3;
    private const int IfInfoLength = 16;

    /// <summary>The name reported when events were lost or unreadable: every link may have changed.</summary>
    public const string Everything = "*";

    private readonly NetlinkSocket _socket;

    public LinkEvents()
    {
        try
        {
            _socket = NetlinkSocket.Open(LibC.NETLINK_ROUTE, LibC.RTMGRP_LINK);
        }
        catch (NetlinkException e) when (e.Errno != 0)
        {
            throw new NetlinkException(e.Errno, "cannot subscribe to link events: " + System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(e.Errno));
        }
    }

    /// <summary>Waits at most <paramref name="timeout"/> for events; returns the names of the links that changed (empty: none).</summary>
    public IReadOnlySet<string> Wait(TimeSpan timeout)
    {
        var changed = new HashSet<string>(StringComparer.Ordinal);
        var ms = (int)Math.Clamp(timeout.TotalMilliseconds, 0, int.MaxValue);
        try
        {
            // The first datagram within the timeout, then whatever else is queued, without waiting.
            for (var wait = ms; _socket.TryReceive(wait, out var datagram); wait = 0)
            {
                try
                {
                    Parse(datagram, changed);
                }
                catch (NetlinkException)
                {
                    changed.Add(Everything); // a malformed notification: the caller looks at everything again
                }
            }
        }
        catch (NetlinkException e) when (e.Errno == Errno.ENOBUFS)
        {
            changed.Add(Everything); // the kernel dropped events: everything may have changed
        }
        return changed;
    }

    /// <summary>
    /// The link names in a batch of RTM_NEWLINK/RTM_DELLINK messages (other messages are skipped); a malformed
    /// batch is a <see cref="NetlinkException"/>, after the names of the messages before the malformed one.
    /// </summary>
    public static void Parse(ReadOnlySpan<byte> data, ISet<string> changed)
    {
        foreach (var message in new NetlinkDatagram(data))
        {
            if (message.Type is not (RTM_NEWLINK or RTM_DELLINK) || message.Payload.Length < IfInfoLength) continue;
            if (NetlinkAttributes.TryFind(message.Payload[IfInfoLength..], IFLA_IFNAME, out var name)) changed.Add(name.Text);
        }
    }

    public void Dispose() => _socket.Dispose();
}
