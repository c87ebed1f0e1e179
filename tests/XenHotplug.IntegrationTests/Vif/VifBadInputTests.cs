using System.Net.Sockets;
using System.Text;
using XenHotplug.TestSupport;
using XenHotplug.XenstoreServer;

namespace XenHotplug.IntegrationTests.Vif;

/// <summary>
/// Every failure a user can cause: one clear line on stderr, in syslog and in hotplug-error
/// (with hotplug-status=error), exit status 1, and the host as it was.
/// </summary>
public sealed class VifBadInputTests : IDisposable
{
    private readonly SimulatedDom0 _host = new();

    public VifBadInputTests()
    {
        _host.AddBridge("xenbr0");
        _host.AddGuest(3, 0, "xenbr0");
    }

    public void Dispose() => _host.Dispose();

    private string VifState() => _host.Dom0.Ip("-d", "-o", "link", "show", "vif3.0").Split("link/ether")[0] + _host.Dom0.ReadSys("vif3.0", "address") + (_host.Dom0.MasterOf("vif3.0") ?? "-");

    private void AssertFailedCleanly(ProcResult r, string expectedError, string before)
    {
        Assert.Equal(1, r.ExitCode);
        Assert.Equal(expectedError, _host.Backend(3, 0, "hotplug-error"));
        Assert.Equal("error", _host.Backend(3, 0, "hotplug-status"));
        var lines = r.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.EndsWith(expectedError, lines[0], StringComparison.Ordinal);
        Assert.Equal(before, VifState());
    }

    [Fact]
    public void Missing_bridge()
    {
        var before = VifState();
        _host.Xenstore.Write("/local/domain/0/backend/vif/3/0/bridge", "xenbr9");
        AssertFailedCleanly(_host.Hotplug("online", 3, 0),
            "bridge xenbr9 does not exist (named in backend/vif/3/0/bridge); create it or run 'network-multibridge start'", before);
    }

    [Theory]
    [InlineData("4095", "vlan: term '4095': ")]
    [InlineData("10", "vlan=10p (in backend/vif/3/0/vlan) for bridge xenbr0: ")]
    public void A_vlan_request_is_refused_not_ignored(string vlan, string start)
    {
        var before = VifState();
        _host.Xenstore.Write("/local/domain/0/backend/vif/3/0/vlan", vlan);
        var r = _host.Hotplug("online", 3, 0);
        var error = _host.Backend(3, 0, "hotplug-error") ?? "";
        Assert.StartsWith(start, error, StringComparison.Ordinal);
        AssertFailedCleanly(r, error, before);
    }

    [Fact]
    public void A_nic_a_domain_rule_disables_is_refused_and_nothing_is_touched()
    {
        _host.WriteConfig("[domain:guest3]\nantispoof = disabled\n");
        var before = VifState();
        var explain = _host.Dom0.Exec(Binaries.Vif, ["explain", "3", "0"], _host.LibxlEnvironment(3, 0));
        Assert.Contains("the online would fail: antispoof = disabled ([domain:guest3] antispoof)", explain.StdOut, StringComparison.Ordinal);
        var rulesBefore = _host.Dom0.Exec("nft", ["list", "ruleset"]).StdOut;
        AssertFailedCleanly(_host.Hotplug("online", 3, 0), "antispoof = disabled ([domain:guest3] antispoof): vif3.0 is refused, this guest gets no network on it", before);
        Assert.Equal(rulesBefore, _host.Dom0.Exec("nft", ["list", "ruleset"]).StdOut);
    }

    [Fact]
    public void Bridge_that_is_not_a_bridge()
    {
        var before = VifState();
        _host.Dom0.Ip("link", "add", "notbr", "type", "veth", "peer", "name", "notbrp");
        _host.Xenstore.Write("/local/domain/0/backend/vif/3/0/bridge", "notbr");
        AssertFailedCleanly(_host.Hotplug("online", 3, 0), "notbr (named in backend/vif/3/0/bridge) is not a bridge", before);
    }

    [Theory]
    [InlineData("-xenbr0", "invalid bridge name in backend/vif/3/0/bridge: '-xenbr0' starts with '-' and would be taken as an option")]
    [InlineData("a/b", "invalid bridge name in backend/vif/3/0/bridge: 'a/b' contains '/', which an interface name may not")]
    [InlineData("br 0", "invalid bridge name in backend/vif/3/0/bridge: 'br 0' contains ' ', which an interface name may not")]
    [InlineData("..", "invalid bridge name in backend/vif/3/0/bridge: '..' is not a valid interface name")]
    [InlineData("averyveryverylongbridge", "invalid bridge name in backend/vif/3/0/bridge: 'averyveryverylongbridge' is longer than 15 bytes")]
    public void Invalid_bridge_names(string bridge, string expected)
    {
        var before = VifState();
        _host.Xenstore.Write("/local/domain/0/backend/vif/3/0/bridge", bridge);
        AssertFailedCleanly(_host.Hotplug("online", 3, 0), expected, before);
    }

    [Fact]
    public void Invalid_vifname_is_refused()
    {
        var before = VifState();
        _host.Xenstore.Write("/local/domain/0/backend/vif/3/0/vifname", "--help");
        AssertFailedCleanly(_host.Hotplug("online", 3, 0), "invalid vifname in backend/vif/3/0/vifname: '--help' starts with '-' and would be taken as an option", before);
    }

    [Theory]
    [InlineData("XENBUS_PATH", "missing environment variable XENBUS_PATH (the backend path, e.g. backend/vif/3/0); is this run by libxl or udev?")]
    [InlineData("vif", "missing environment variable vif (the vif interface name); is this run by libxl or udev?")]
    public void Missing_environment(string variable, string expected)
    {
        var r = _host.Hotplug("online", 3, 0, extraEnv: new Dictionary<string, string> { [variable] = "" });
        Assert.Equal(1, r.ExitCode);
        Assert.EndsWith(expected, r.StdErr.Trim(), StringComparison.Ordinal);
        Assert.Null(_host.Dom0.MasterOf("vif3.0"));
    }

    [Fact]
    public void Unknown_command_and_type_if()
    {
        var env = _host.LibxlEnvironment(3, 0);
        var r = _host.Dom0.Exec(Binaries.Vif, ["plug"], env);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("invalid command 'plug' (expected online, offline, add or remove)", _host.Backend(3, 0, "hotplug-error"));
        var t = _host.Dom0.Exec(Binaries.Vif, ["online", "type_if=vlan"], env);
        Assert.Equal(1, t.ExitCode);
        Assert.Equal("unknown interface type type_if=vlan (expected vif or tap)", _host.Backend(3, 0, "hotplug-error"));
        var u = _host.Dom0.Exec(Binaries.Vif, ["online", "--frobnicate"], env);
        Assert.Equal(2, u.ExitCode);
        Assert.Contains("Usage: vif-multibridge", u.StdErr, StringComparison.Ordinal);
        Assert.Null(_host.Dom0.MasterOf("vif3.0"));
    }

    [Fact]
    public void Invalid_interface_name_from_libxl()
    {
        var r = _host.Hotplug("online", 3, 0, extraEnv: new Dictionary<string, string> { ["vif"] = "-vif3.0" });
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("invalid interface name: '-vif3.0' starts with '-' and would be taken as an option", _host.Backend(3, 0, "hotplug-error"));
    }

    [Fact]
    public void Xenstore_socket_absent()
    {
        var before = VifState();
        var missing = Path.Combine(_host.WorkDir, "no-such.sock");
        var r = _host.Hotplug("online", 3, 0, extraEnv: new Dictionary<string, string> { ["XENSTORED_PATH"] = missing });
        Assert.Equal(1, r.ExitCode);
        Assert.Contains($"xenstore: cannot connect to xenstore at {missing}", r.StdErr, StringComparison.Ordinal);
        Assert.Single(r.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => !l.Contains("cannot write hotplug-error", StringComparison.Ordinal));
        Assert.Equal(before, VifState());
    }

    [Theory]
    [InlineData(XenstoreFault.CloseConnection, "/vifname")]
    [InlineData(XenstoreFault.MalformedReply, "/bridge")]
    public void Xenstore_closing_mid_request_or_a_malformed_reply_leaves_the_host_unchanged(XenstoreFault fault, string onPath)
    {
        var before = VifState();
        _host.Xenstore.FailNext(fault, onPath);
        var r = _host.Hotplug("online", 3, 0);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("xenstore:", r.StdErr, StringComparison.Ordinal);
        Assert.Equal(before, VifState());
        // The error is still reported, through a fresh connection.
        Assert.StartsWith("xenstore:", _host.Backend(3, 0, "hotplug-error"), StringComparison.Ordinal);
        Assert.Equal("error", _host.Backend(3, 0, "hotplug-status"));
    }

    [Fact]
    public void Ip_failing_half_way_is_rolled_back()
    {
        _host.Xenstore.Write("/local/domain/0/backend/vif/3/0/vifname", "web3");
        _host.Xenstore.Write("/local/domain/0/backend/vif/3/0/mtu", "1400");
        _host.Dom0.Ip("link", "set", "vif3.0", "up");
        var before = VifState();
        var realIp = Proc.Check("sh", "-c", "command -v ip").Trim();
        var shimDir = Path.Combine(_host.WorkDir, "shim");
        Directory.CreateDirectory(shimDir);
        // A PATH shim: the 7th operation of the attach batch (after rename, alias, down, mac, flush, mtu) fails.
        File.WriteAllText(Path.Combine(shimDir, "ip"), $$"""
            #!/bin/bash
            if [ "$1" = "-batch" ]; then
              mapfile -t lines
              lines[6]="link set dev xhp-no-such-device up"
              printf '%s\n' "${lines[@]}" | {{realIp}} -batch -
              exit $?
            fi
            exec {{realIp}} "$@"
            """.Replace("\r", "", StringComparison.Ordinal));
        File.SetUnixFileMode(Path.Combine(shimDir, "ip"), (UnixFileMode)0b111_101_101);
        var r = _host.Hotplug("online", 3, 0, extraEnv: new Dictionary<string, string> { ["PATH"] = shimDir + ":/usr/sbin:/usr/bin:/sbin:/bin", ["XEN_MULTIBRIDGE_hotplug__network_backend"] = "ip" });
        Assert.Equal(1, r.ExitCode);
        Assert.StartsWith("attaching vif3.0 to xenbr0 failed: 'ip link set dev web3 master xenbr0' failed: Cannot find device", _host.Backend(3, 0, "hotplug-error"), StringComparison.Ordinal);
        Assert.EndsWith("vif3.0 was put back as it was", _host.Backend(3, 0, "hotplug-error"), StringComparison.Ordinal);
        Assert.False(_host.Dom0.Has("web3"));
        Assert.Equal(before, VifState());
        Assert.Null(_host.Xenstore.Read("/local/domain/3/device/vif/0/mtu"));
    }

    [Fact]
    public void Kernel_refusing_half_way_through_netlink_is_rolled_back()
    {
        // A vif the kernel will not enslave (a macvlan on it holds its receive handler: EBUSY): rename, alias,
        // down, MAC, flush and MTU succeed through rtnetlink, then master fails; everything must be put back.
        _host.AddGuest(4, 0, "xenbr0", createDevice: false, backend: new Dictionary<string, string> { ["vifname"] = "web4", ["mtu"] = "1400" });
        _host.Dom0.Ip("link", "add", "vif4.0", "type", "veth", "peer", "name", "p4.0");
        _host.Dom0.Ip("link", "add", "mv4", "link", "vif4.0", "type", "macvlan");
        _host.Dom0.Ip("link", "set", "vif4.0", "address", "02:00:00:00:00:44", "up");
        string State() => _host.Dom0.Ip("-o", "link", "show", "vif4.0").Split(':', 3)[2] + _host.Dom0.ReadSys("vif4.0", "mtu");
        var before = State();
        var r = _host.Hotplug("online", 4, 0);
        Assert.Equal(1, r.ExitCode);
        var error = _host.Backend(4, 0, "hotplug-error");
        Assert.StartsWith("attaching vif4.0 to xenbr0 failed: 'ip link set dev web4 master xenbr0' failed: ", error, StringComparison.Ordinal);
        Assert.EndsWith("vif4.0 was put back as it was", error, StringComparison.Ordinal);
        Assert.False(_host.Dom0.Has("web4"));
        Assert.Equal(before, State());
        Assert.Equal("02:00:00:00:00:44", _host.Dom0.ReadSys("vif4.0", "address"));
    }

    [Fact]
    public void Malformed_config_names_file_and_line()
    {
        var before = VifState();
        _host.WriteConfig("[hotplug]\ndevice_wait = 1\nthis line is wrong\n");
        AssertFailedCleanly(_host.Hotplug("online", 3, 0), $"{_host.ConfigPath}:3: expected 'key = value' or '[section]', found 'this line is wrong'", before);
    }

    [Fact]
    public void Config_not_owned_by_root_is_refused()
    {
        var before = VifState();
        _host.WriteConfig("[hotplug]\ndevice_wait = 1\n");
        Proc.Check("chown", "65534", _host.ConfigPath);
        AssertFailedCleanly(_host.Hotplug("online", 3, 0), $"refusing configuration file: {_host.ConfigPath} is owned by uid 65534, not root", before);
    }

    [Fact]
    public void Errors_reach_syslog_framed_as_syslog3_with_facility_daemon()
    {
        var socketPath = Path.Combine(_host.WorkDir, "syslog.sock");
        using var syslog = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        syslog.Bind(new UnixDomainSocketEndPoint(socketPath));
        syslog.ReceiveTimeout = 5000;
        _host.Xenstore.Write("/local/domain/0/backend/vif/3/0/bridge", "xenbr9");
        var r = _host.Hotplug("online", 3, 0, extraEnv: new Dictionary<string, string> { ["XEN_MULTIBRIDGE_SYSLOG"] = socketPath });
        Assert.Equal(1, r.ExitCode);
        var buffer = new byte[4096];
        var n = syslog.Receive(buffer);
        var line = Encoding.UTF8.GetString(buffer, 0, n);
        Assert.Matches(@"^<27>vif-multibridge\[\d+\]: ", line); // daemon.err, TAG[PID]: as syslog(3)
        Assert.EndsWith("online vif3.0: bridge xenbr9 does not exist (named in backend/vif/3/0/bridge); create it or run 'network-multibridge start'", line, StringComparison.Ordinal);
    }
}
