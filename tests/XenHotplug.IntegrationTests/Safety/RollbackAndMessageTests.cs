using XenHotplug.TestSupport;

namespace XenHotplug.IntegrationTests.Safety;

/// <summary>
/// A failure after the attach puts everything back (device, cursor, xenstore); every failure is one bounded
/// printable line, in hotplug-error too; the run directory's problems are said in plain words; hooks are
/// trusted only when the link and its target are root's.
/// </summary>
public sealed class RollbackAndMessageTests : IDisposable
{
    private readonly SimulatedDom0 _host = new();

    public RollbackAndMessageTests()
    {
        _host.AddBridge("xenbr0");
        _host.AddBridge("xenbr1");
        _host.AddGuest(3, 0, "pool:rr");
        _host.WriteConfig("[bridge:xenbr0]\n[bridge:xenbr1]\n[pool:rr]\nbridges = xenbr0 xenbr1\nstrategy = round-robin\n");
    }

    public void Dispose() => _host.Dispose();

    private string VifState() => HostFingerprint.Link(_host.Dom0.Ip("-o", "link", "show", "vif3.0")) + _host.Dom0.ReadSys("vif3.0", "address") + (_host.Dom0.MasterOf("vif3.0") ?? "-");

    private void AssertOneLineFailure(ProcResult r, string? expected = null)
    {
        Assert.Equal(1, r.ExitCode);
        var lines = r.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, r.ToString());
        var error = _host.Backend(3, 0, "hotplug-error");
        Assert.NotNull(error);
        Assert.InRange(error.Length, 1, 403);
        Assert.DoesNotContain(error, char.IsControl);
        Assert.EndsWith(error, lines[0], StringComparison.Ordinal);
        Assert.Equal("error", _host.Backend(3, 0, "hotplug-status"));
        if (expected is not null) Assert.Equal(expected, error);
    }

    [Fact]
    public void A_cursor_write_failing_after_the_attach_rolls_everything_back()
    {
        Directory.CreateDirectory(Path.Combine(_host.RunDir, "rr-rr")); // the cursor file cannot be replaced
        var before = VifState();
        var r = _host.Hotplug("online", 3, 0);
        AssertOneLineFailure(r);
        Assert.StartsWith($"cannot store the round-robin cursor in {_host.RunDir}: ", _host.Backend(3, 0, "hotplug-error"), StringComparison.Ordinal);
        Assert.EndsWith("; vif3.0 was put back as it was", _host.Backend(3, 0, "hotplug-error"), StringComparison.Ordinal);
        Assert.Equal(before, VifState());
        Assert.Null(_host.Xenstore.Read("/local/domain/3/device/vif/0/mtu"));
    }

    [Theory]
    [InlineData("file")]
    [InlineData("dangling")]
    public void A_run_directory_that_is_not_a_directory_is_said_plainly(string kind)
    {
        if (kind == "file") File.WriteAllText(_host.RunDir, "x");
        else File.CreateSymbolicLink(_host.RunDir, Path.Combine(_host.WorkDir, "nowhere"));
        var before = VifState();
        var r = _host.Hotplug("online", 3, 0);
        AssertOneLineFailure(r, kind == "file"
            ? $"run directory {_host.RunDir} is not a directory (a file is in the way); remove it"
            : $"run directory {_host.RunDir} is a symbolic link to nothing (a dangling link); remove it or point it at a directory");
        Assert.Equal(before, VifState());
    }

    [Fact]
    public void A_directory_as_the_configuration_is_an_error()
    {
        File.Delete(_host.ConfigPath);
        Directory.CreateDirectory(_host.ConfigPath);
        var before = VifState();
        AssertOneLineFailure(_host.Hotplug("online", 3, 0), $"{_host.ConfigPath} is a directory, not a configuration file");
        Assert.Equal(before, VifState());
    }

    [Fact]
    public void A_binary_garbage_configuration_gives_one_bounded_line()
    {
        var garbage = new byte[12 * 1024];
        new Random(9).NextBytes(garbage);
        File.WriteAllBytes(_host.ConfigPath, garbage);
        var before = VifState();
        AssertOneLineFailure(_host.Hotplug("online", 3, 0));
        Assert.StartsWith(_host.ConfigPath, _host.Backend(3, 0, "hotplug-error"), StringComparison.Ordinal);
        Assert.Equal(before, VifState());
    }

    [Fact]
    public void A_hook_link_owned_by_another_user_is_not_run_even_if_its_target_is_roots()
    {
        Directory.CreateDirectory(_host.HooksDir);
        var marker = Path.Combine(_host.WorkDir, "ran");
        var target = Path.Combine(_host.WorkDir, "root-script");
        File.WriteAllText(target, $"#!/bin/sh\necho \"$ip|$dev|$bridge\" >> {marker}\n");
        File.SetUnixFileMode(target, (UnixFileMode)0b111_101_101);
        var link = Path.Combine(_host.HooksDir, "10-link.hook");
        File.CreateSymbolicLink(link, target);
        Proc.Check("chown", "-h", "65534", link);
        var r = _host.Hotplug("online", 3, 0);
        Assert.True(r.Ok, r.ToString());
        Assert.Contains($"skipping hook {link}: the link {link} is owned by uid 65534, not root", r.StdErr, StringComparison.Ordinal);
        Assert.False(File.Exists(marker));

        // The same link owned by root is run, with what vif-common.sh exports (ip included).
        Proc.Check("chown", "-h", "0", link);
        _host.Xenstore.Write("/local/domain/0/backend/vif/3/0/ip", "10.0.0.3");
        var again = _host.Hotplug("offline", 3, 0);
        Assert.True(again.Ok, again.ToString());
        Assert.StartsWith("10.0.0.3|vif3.0|xenbr", File.ReadAllText(marker), StringComparison.Ordinal);
    }
}
