using XenHotplug.Core.Network;
using XenHotplug.Host.Distro;

namespace XenHotplug.Tests.Distro;

/// <summary>The probe on a fake root: /proc entries and the managers' runtime state files.</summary>
public sealed class UplinkProbeTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("xhp-probe-").FullName;

    private static readonly LinkState Eth0 = new(7, "enp3s0", null, null, null, 1500, true, [], []);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private void Write(string path, string text)
    {
        var full = Path.Combine(_root, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
    }

    private void Namespace(string pid, string target)
    {
        Directory.CreateDirectory(Path.Combine(_root, "proc", pid, "ns"));
        File.CreateSymbolicLink(Path.Combine(_root, "proc", pid, "ns", "net"), target);
    }

    [Fact]
    public void Dhcp_client_for_this_nic_in_this_namespace()
    {
        Namespace("self", "net:[4026531840]");
        Write("proc/812/comm", "dhclient\n");
        Write("proc/812/cmdline", "/sbin/dhclient\0-4\0-pf\0/run/dhclient.enp3s0.pid\0enp3s0\0");
        Namespace("812", "net:[4026531840]");
        Write("proc/813/comm", "dhclient\n");
        Write("proc/813/cmdline", "/sbin/dhclient\0enp4s0\0");
        Namespace("813", "net:[4026531840]");
        Write("proc/814/comm", "dhclient\n");
        Write("proc/814/cmdline", "/sbin/dhclient\0enp3s0\0");
        Namespace("814", "net:[4026532000]"); // another namespace's enp3s0
        Write("proc/815/comm", "sleep\n");
        Write("proc/815/cmdline", "sleep\0enp3s0\0");
        Assert.Equal(["dhclient (pid 812)"], new UplinkProbe(_root).Probe(Eth0).DhcpClients);
    }

    [Theory]
    [InlineData("run/NetworkManager/devices/7", "[device]\nmanaged=true\nconnection-uuid=0c7a\n", "NetworkManager")]
    [InlineData("run/systemd/netif/links/7", "ADMIN_STATE=configured\nNETWORK_FILE=/etc/systemd/network/enp3s0.network\n", "systemd-networkd (/etc/systemd/network/enp3s0.network)")]
    [InlineData("run/network/ifstate.enp3s0", "enp3s0\n", "ifupdown (ifup enp3s0)")]
    [InlineData("run/network/ifstate", "lo=lo\nenp3s0=enp3s0\n", "ifupdown (ifup enp3s0)")]
    public void Managers_only_in_the_hosts_own_network_namespace(string file, string text, string manager)
    {
        Write(file, text);
        Namespace("1", "net:[4026531840]");
        Namespace("self", "net:[4026532999]");
        Assert.Null(new UplinkProbe(_root).Probe(Eth0).Manager); // a test namespace: the files describe another one
        File.Delete(Path.Combine(_root, "proc", "self", "ns", "net"));
        File.CreateSymbolicLink(Path.Combine(_root, "proc", "self", "ns", "net"), "net:[4026531840]");
        Assert.Equal(manager, new UplinkProbe(_root).Probe(Eth0).Manager);
    }
}
