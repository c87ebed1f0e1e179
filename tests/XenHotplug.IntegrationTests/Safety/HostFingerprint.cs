using System.Text;
using System.Text.RegularExpressions;
using XenHotplug.TestSupport;

namespace XenHotplug.IntegrationTests.Safety;

/// <summary>Everything a hotplug could harm, as text: dom0's links (flags, state, master, MAC, MTU, alias), addresses and routes, and the whole xenstore tree.</summary>
internal static class HostFingerprint
{
    public static string Of(SimulatedDom0 host)
    {
        // IPv6 duplicate address detection finishes by itself (and adds local routes then): wait for it.
        SpinWait.SpinUntil(() => host.Dom0.Ip("-6", "-o", "address", "show", "tentative").Trim().Length == 0, TimeSpan.FromSeconds(15));
        var text = new StringBuilder();
        foreach (var line in host.Dom0.Ip("-o", "link", "show").Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal))
            text.Append(Link(line)).Append('\n');
        foreach (var dev in host.Dom0.Exec("ls", ["/sys/class/net"]).StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            text.Append(dev).Append(" alias=").Append(host.Dom0.ReadSys(dev, "ifalias")).Append('\n');
        text.Append(Regex.Replace(host.Dom0.Ip("-o", "address", "show"), " tentative| optimistic", "")); // IPv6 DAD finishing by itself
        // Every route but the kernel's own per-link IPv6 ones (fe80::, multicast), which come and go with DAD.
        foreach (var route in host.Dom0.Ip("route", "show", "table", "all").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!route.Contains("fe80::", StringComparison.Ordinal) && !route.StartsWith("multicast ff00::/8", StringComparison.Ordinal))
                text.Append(route).Append('\n');
        }
        Xenstore(host, "/", text);
        return text.ToString();
    }

    /// <summary>
    /// One `ip -o link` line without what the kernel changes by itself: carrier and operational state (a veth
    /// peer coming up), and the qdisc (noop until a device was first up, noqueue after).
    /// </summary>
    public static string Link(string line)
    {
        line = Regex.Replace(line, @"NO-CARRIER,|,LOWER_UP|LOWER_UP,?", "");
        line = Regex.Replace(line, @" qdisc \S+", "");
        return Regex.Replace(line, @" state \S+", "");
    }

    private static void Xenstore(SimulatedDom0 host, string path, StringBuilder text)
    {
        text.Append(path).Append(" = ").Append(host.Xenstore.Read(path)).Append('\n');
        foreach (var child in host.Xenstore.Directory(path).Order(StringComparer.Ordinal))
            Xenstore(host, path == "/" ? "/" + child : path + "/" + child, text);
    }
}
