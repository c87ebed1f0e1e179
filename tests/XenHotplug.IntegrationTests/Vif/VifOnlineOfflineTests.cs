using XenHotplug.TestSupport;

namespace XenHotplug.IntegrationTests.Vif;

/// <summary>vif-multibridge run exactly as libxl runs it, on real veth/tap devices and bridges in namespaces.</summary>
public sealed class VifOnlineOfflineTests : IDisposable
{
    private readonly SimulatedDom0 _host = new();

    public void Dispose() => _host.Dispose();

    [Fact]
    public void Two_guests_on_one_bridge_ping_each_other_after_online_and_not_after_offline()
    {
        _host.AddBridge("xenbr0");
        var g1 = _host.AddGuest(1, 0, "xenbr0", "10.99.0.1/24");
        _host.AddGuest(2, 0, "xenbr0", "10.99.0.2/24");
        Assert.False(g1.Ping("10.99.0.2"));
        g1.Ip("neigh", "flush", "dev", "eth0"); // that failed ARP would otherwise be remembered for a while

        var r1 = _host.Hotplug("online", 1, 0);
        var r2 = _host.Hotplug("online", 2, 0);
        Assert.True(r1.Ok, r1.ToString());
        Assert.True(r2.Ok, r2.ToString());
        Assert.Equal(["vif1.0", "vif2.0"], _host.Dom0.Ports("xenbr0"));
        Assert.Equal("connected", _host.Backend(1, 0, "hotplug-status"));
        Assert.Equal("connected", _host.Backend(2, 0, "hotplug-status"));
        Assert.Equal("1500", _host.Xenstore.Read("/local/domain/1/device/vif/0/mtu"));
        Assert.Equal("fe:ff:ff:ff:ff:ff", _host.Dom0.ReadSys("vif1.0", "address"));
        Assert.True(g1.Ping("10.99.0.2"));

        var off = _host.Hotplug("offline", 1, 0);
        Assert.True(off.Ok, off.ToString());
        Assert.Null(_host.Dom0.MasterOf("vif1.0"));
        Assert.Equal("0x1002", _host.Dom0.ReadSys("vif1.0", "flags")); // down
        Assert.False(g1.Ping("10.99.0.2"));
    }

    [Fact]
    public void Online_does_not_wait_for_the_carrier_that_comes_with_netfront()
    {
        // Under real Xen the vif has no carrier until the guest's netfront connects, often long after libxl ran
        // the hotplug: the port is attached without carrier and forwards once the frontend is up.
        _host.AddBridge("xenbr0");
        var g7 = _host.AddGuest(7, 0, "xenbr0", "10.99.7.7/24", frontendConnected: false);
        _host.AddGuest(8, 0, "xenbr0", "10.99.7.8/24");
        Assert.True(_host.Hotplug("online", 8, 0).Ok);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var r = _host.Hotplug("online", 7, 0);

        Assert.True(r.Ok, r.ToString());
        Assert.InRange(clock.Elapsed.TotalSeconds, 0, 10); // far from any wait for carrier
        Assert.Equal("connected", _host.Backend(7, 0, "hotplug-status"));
        Assert.Equal("xenbr0", _host.Dom0.MasterOf("vif7.0"));
        Assert.Equal("0", _host.Dom0.ReadSys("vif7.0", "carrier"));
        _host.ConnectFrontend(7, 0);
        Assert.True(g7.Ping("10.99.7.8"));
    }

    [Fact]
    public void Online_twice_leaves_the_same_state_and_offline_of_an_unknown_vif_succeeds()
    {
        _host.AddBridge("xenbr0", mtu: 9000);
        _host.AddGuest(3, 0, "xenbr0");
        Assert.True(_host.Hotplug("online", 3, 0).Ok);
        var first = (_host.Dom0.MasterOf("vif3.0"), _host.Dom0.ReadSys("vif3.0", "mtu"), _host.Dom0.ReadSys("vif3.0", "address"), _host.Dom0.ReadSys("vif3.0", "flags"));
        var again = _host.Hotplug("online", 3, 0);
        Assert.True(again.Ok, again.ToString());
        Assert.Equal(first, (_host.Dom0.MasterOf("vif3.0"), _host.Dom0.ReadSys("vif3.0", "mtu"), _host.Dom0.ReadSys("vif3.0", "address"), _host.Dom0.ReadSys("vif3.0", "flags")));
        Assert.Equal(("xenbr0", "9000"), (first.Item1, first.Item2));

        _host.AddGuest(4, 0, "xenbr0", createDevice: false);
        var off = _host.Hotplug("offline", 4, 0);
        Assert.True(off.Ok, off.ToString());
        Assert.Equal("", off.StdErr);
    }

    [Fact]
    public void Backend_mtu_is_applied_and_written_to_the_frontend()
    {
        _host.AddBridge("xenbr0");
        _host.AddGuest(5, 1, "xenbr0", backend: new Dictionary<string, string> { ["mtu"] = "1400" });
        Assert.True(_host.Hotplug("online", 5, 1).Ok);
        Assert.Equal("1400", _host.Dom0.ReadSys("vif5.1", "mtu"));
        Assert.Equal("1400", _host.Xenstore.Read("/local/domain/5/device/vif/1/mtu"));
    }

    [Fact]
    public void Old_style_xenbr_is_translated_to_the_eth_bridge()
    {
        _host.AddBridge("eth1");
        _host.AddGuest(6, 0, "xenbr1");
        var r = _host.Hotplug("online", 6, 0);
        Assert.True(r.Ok, r.ToString());
        Assert.Equal("eth1", _host.Dom0.MasterOf("vif6.0"));
    }

    [Fact]
    public void Vifname_renames_the_device_and_offline_finds_it()
    {
        _host.AddBridge("xenbr0");
        _host.AddGuest(7, 0, "xenbr0", backend: new Dictionary<string, string> { ["vifname"] = "web-nic" });
        var r = _host.Hotplug("online", 7, 0);
        Assert.True(r.Ok, r.ToString());
        Assert.False(_host.Dom0.Has("vif7.0"));
        Assert.Equal("xenbr0", _host.Dom0.MasterOf("web-nic"));
        Assert.Equal("1500", _host.Xenstore.Read("/local/domain/7/device/vif/0/mtu"));
        Assert.True(_host.Hotplug("online", 7, 0).Ok); // again: finds its own renamed device
        Assert.True(_host.Hotplug("offline", 7, 0).Ok);
        Assert.Null(_host.Dom0.MasterOf("web-nic"));
    }

    [Fact]
    public void Vifname_taken_by_another_interface_fails_without_touching_either()
    {
        _host.AddBridge("xenbr0");
        _host.AddBridge("xenbr1");
        _host.AddGuest(8, 0, "xenbr1", backend: new Dictionary<string, string> { ["vifname"] = "busy0" });
        _host.Dom0.Ip("link", "add", "busy0", "type", "veth", "peer", "name", "busy0p");
        _host.Dom0.Ip("link", "set", "busy0", "master", "xenbr0", "up");
        var mac = _host.Dom0.ReadSys("busy0", "address");
        var r = _host.Hotplug("online", 8, 0);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("cannot rename vif8.0 to busy0: an interface named busy0 already exists", _host.Backend(8, 0, "hotplug-error"));
        Assert.Equal("error", _host.Backend(8, 0, "hotplug-status"));
        Assert.Equal(("xenbr0", mac), (_host.Dom0.MasterOf("busy0"), _host.Dom0.ReadSys("busy0", "address")));
        Assert.True(_host.Dom0.Has("vif8.0"));
        Assert.Null(_host.Dom0.MasterOf("vif8.0"));
    }

    [Fact]
    public void Tap_of_an_hvm_guest_is_added_and_removed()
    {
        _host.AddBridge("xenbr0");
        _host.AddGuest(9, 0, "xenbr0", createDevice: false);
        _host.Dom0.Ip("tuntap", "add", "dev", "vif9.0-emu", "mode", "tap");
        var add = _host.Hotplug("add", 9, 0, type: "tap");
        Assert.True(add.Ok, add.ToString());
        Assert.Equal("xenbr0", _host.Dom0.MasterOf("vif9.0-emu"));
        Assert.Null(_host.Xenstore.Read("/local/domain/9/device/vif/0/mtu")); // taps write no frontend mtu
        Assert.Null(_host.Backend(9, 0, "hotplug-status"));
        var remove = _host.Hotplug("remove", 9, 0, type: "tap");
        Assert.True(remove.Ok, remove.ToString());
        Assert.Null(_host.Dom0.MasterOf("vif9.0-emu"));
        // online for a tap, add for a vif: nothing to do, like the stock script.
        Assert.True(_host.Hotplug("online", 9, 0, type: "tap").Ok);
    }

    [Fact]
    public void The_vif_may_appear_after_the_script_starts()
    {
        _host.AddBridge("xenbr0");
        _host.AddGuest(10, 0, "xenbr0", createDevice: false);
        using var p = _host.Dom0.Start(Binaries.Vif, ["online", "type_if=vif"], _host.LibxlEnvironment(10, 0));
        Thread.Sleep(300);
        _host.CreateGuestDevice(10, 0, null);
        var r = Proc.Wait(p, TimeSpan.FromSeconds(30));
        Assert.True(r.Ok, r.ToString());
        Assert.Equal("xenbr0", _host.Dom0.MasterOf("vif10.0"));
    }

    [Fact]
    public void A_vif_that_never_appears_fails_clearly_within_the_wait()
    {
        _host.AddBridge("xenbr0");
        _host.AddGuest(11, 0, "xenbr0", createDevice: false);
        _host.Environment["XEN_MULTIBRIDGE_hotplug__device_wait"] = "0.3";
        var r = _host.Hotplug("online", 11, 0);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("device vif11.0 did not appear within 0.3 s (is netback loaded?)", _host.Backend(11, 0, "hotplug-error"));
        Assert.Contains("vif-multibridge: online vif11.0: device vif11.0 did not appear", r.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void Hooks_are_run_with_the_hotplug_environment_and_untrusted_ones_skipped()
    {
        _host.AddBridge("xenbr0");
        _host.AddGuest(12, 0, "xenbr0");
        Directory.CreateDirectory(_host.HooksDir);
        var output = Path.Combine(_host.WorkDir, "hook-output");
        var hook = Path.Combine(_host.HooksDir, "10-record.hook");
        File.WriteAllText(hook, $"#!/bin/sh\necho \"$command $dev $bridge $XENBUS_PATH\" >> {output}\n");
        File.SetUnixFileMode(hook, (UnixFileMode)0b111_101_101);
        var bad = Path.Combine(_host.HooksDir, "20-writable.hook");
        File.WriteAllText(bad, $"#!/bin/sh\necho BAD >> {output}\n");
        File.SetUnixFileMode(bad, (UnixFileMode)0b111_111_111);
        File.WriteAllText(Path.Combine(_host.HooksDir, "30-not-executable.hook"), $"#!/bin/sh\necho NOEXEC >> {output}\n");

        var r = _host.Hotplug("online", 12, 0);
        Assert.True(r.Ok, r.ToString());
        Assert.True(_host.Hotplug("offline", 12, 0).Ok);
        Assert.Equal(["online vif12.0 xenbr0 backend/vif/12/0", "offline vif12.0 xenbr0 backend/vif/12/0"], File.ReadAllLines(output));
        Assert.Contains("skipping hook", r.StdErr, StringComparison.Ordinal);
        Assert.Contains("writable by group or others", r.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void Dry_run_and_explain_change_nothing()
    {
        _host.AddBridge("xenbr0");
        _host.AddGuest(13, 0, "xenbr0");
        var explain = _host.Dom0.Exec(Binaries.Vif, ["explain", "13", "0"], _host.LibxlEnvironment(13, 0));
        Assert.True(explain.Ok, explain.ToString());
        Assert.Contains("bridge: xenbr0", explain.StdOut, StringComparison.Ordinal);
        Assert.Contains("ip link set dev vif13.0 master xenbr0", explain.StdOut, StringComparison.Ordinal);
        var dry = _host.Hotplug("online", 13, 0, extraEnv: new Dictionary<string, string>());
        Assert.True(dry.Ok);
        var dryRun = _host.Dom0.Exec(Binaries.Vif, ["online", "type_if=vif", "--dry-run"], _host.LibxlEnvironment(13, 0));
        Assert.True(dryRun.Ok, dryRun.ToString());
        Assert.Contains("plan:", dryRun.StdOut, StringComparison.Ordinal);
        _host.Hotplug("offline", 13, 0);
        var before = _host.Dom0.Ip("-d", "link", "show", "vif13.0");
        Assert.True(_host.Dom0.Exec(Binaries.Vif, ["online", "type_if=vif", "--dry-run"], _host.LibxlEnvironment(13, 0)).Ok);
        Assert.Equal(before, _host.Dom0.Ip("-d", "link", "show", "vif13.0"));
    }
}
