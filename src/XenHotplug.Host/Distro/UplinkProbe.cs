using System.Globalization;
using XenHotplug.Core.Distro;
using XenHotplug.Core.Naming;
using XenHotplug.Core.Network;

namespace XenHotplug.Host.Distro;

/// <summary>
/// <see cref="IUplinkProbe"/> on /proc and the network managers' runtime state. A DHCP client counts when it runs in
/// this network namespace with the NIC's name among its arguments. The managers' state (NetworkManager's
/// /run/NetworkManager/devices/IFINDEX, systemd-networkd's /run/systemd/netif/links/IFINDEX, ifupdown's
/// /run/network/ifstate*) describes the host's own network namespace only, so it is read only there. Anything
/// unreadable counts as absent: the probe never fails a command.
/// </summary>
public sealed class UplinkProbe(string root = "/") : IUplinkProbe
{
    private static readonly HashSet<string> DhcpClientNames = new(StringComparer.Ordinal)
    {
        "dhclient", "dhcpcd", "udhcpc", "pump", "dhcpcd5", "dhcpcd-bin",
    };

    public UplinkFacts Probe(LinkState nic) => new(DhcpClients(nic.Name), InInitialNetworkNamespace() ? Manager(nic) : null);

    private string P(params string[] parts) => Path.Combine([root, .. parts]);

    private List<string> DhcpClients(string nic)
    {
        var found = new List<string>();
        var ownNamespace = Namespace("self");
        try
        {
            foreach (var dir in Directory.EnumerateDirectories(P("proc")))
            {
                var pid = Path.GetFileName(dir);
                if (pid.Length == 0 || !pid.All(char.IsAsciiDigit)) continue;
                var comm = Read(Path.Combine(dir, "comm"))?.Trim();
                if (comm is null || !DhcpClientNames.Contains(comm)) continue;
                var args = Read(Path.Combine(dir, "cmdline"))?.Split('\0', StringSplitOptions.RemoveEmptyEntries) ?? [];
                if (!args.Skip(1).Contains(nic, StringComparer.Ordinal)) continue;
                if (Namespace(pid) != ownNamespace) continue;
                found.Add($"{comm} (pid {pid})");
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return found;
    }

    private string? Manager(LinkState nic)
    {
        var index = nic.Index.ToString(CultureInfo.InvariantCulture);
        if (Read(P("run", "NetworkManager", "devices", index)) is { } nm && ManagerState.NetworkManagerOwns(nm))
            return "NetworkManager";
        if (Read(P("run", "systemd", "netif", "links", index)) is { } networkd && ManagerState.NetworkdNetworkFile(networkd) is { } file)
            return $"systemd-networkd ({file})";
        if (InterfaceName.IsValid(nic.Name)
            && (File.Exists(P("run", "network", "ifstate." + nic.Name))
                || (Read(P("run", "network", "ifstate")) is { } ifstate && ManagerState.IfupdownUp(ifstate, nic.Name))))
            return "ifupdown (ifup " + nic.Name + ")";
        return null;
    }

    private bool InInitialNetworkNamespace()
    {
        var self = Namespace("self");
        return self is not null && self == Namespace("1");
    }

    private string? Namespace(string pid)
    {
        try
        {
            return new FileInfo(P("proc", pid, "ns", "net")).LinkTarget;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string? Read(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllText(path) : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
