namespace XenHotplug.Core.Distro;

/// <summary>Reads the network managers' runtime state files (their text in, a verdict out).</summary>
public static class ManagerState
{
    /// <summary>
    /// NetworkManager's /run/NetworkManager/devices/IFINDEX: the device is NetworkManager's when it is managed and a
    /// connection is active on it (`managed=true` and a `connection-uuid=`).
    /// </summary>
    public static bool NetworkManagerOwns(string text)
    {
        var values = KeyValues(text);
        return values.TryGetValue("managed", out var managed) && managed is "true" or "1"
            && values.TryGetValue("connection-uuid", out var uuid) && uuid.Length > 0;
    }

    /// <summary>systemd-networkd's /run/systemd/netif/links/IFINDEX: the .network file that configures the link, or null.</summary>
    public static string? NetworkdNetworkFile(string text)
    {
        var values = KeyValues(text);
        if (values.TryGetValue("ADMIN_STATE", out var state) && state is "unmanaged" or "pending" or "linger") return null;
        return values.TryGetValue("NETWORK_FILE", out var file) && file.Length > 0 ? file : null;
    }

    /// <summary>ifupdown's /run/network/ifstate (lines `IFACE=LOGICAL`): true when the interface is up.</summary>
    public static bool IfupdownUp(string text, string nic) =>
        text.Split('\n').Any(line => line.Trim().Split('=', 2) is [var iface, _] && iface == nic);

    private static Dictionary<string, string> KeyValues(string text)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';' or '[') continue;
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0) values[line[..eq].Trim()] = line[(eq + 1)..].Trim();
        }
        return values;
    }
}
