using XenHotplug.Core.Failures;
using XenHotplug.Core.Request;

namespace XenHotplug.Tests.Request;

public class HotplugRequestParserTests
{
    private static readonly Dictionary<string, string> LibxlEnv = new()
    {
        ["script"] = "/etc/xen/scripts/vif-multibridge",
        ["XENBUS_TYPE"] = "vif",
        ["XENBUS_PATH"] = "backend/vif/3/0",
        ["XENBUS_BASE_PATH"] = "backend",
        ["netdev"] = "",
        ["vif"] = "vif3.0",
    };

    private static HotplugRequest Parse(string[] args, Dictionary<string, string>? env = null) =>
        HotplugRequestParser.Parse(args, env ?? LibxlEnv).Request!;

    private static string Fails(string[] args, Dictionary<string, string>? env = null) =>
        Assert.Throws<HotplugException>(() => HotplugRequestParser.Parse(args, env ?? LibxlEnv)).Message;

    [Fact]
    public void Parses_libxl_online()
    {
        var r = Parse(["online", "type_if=vif"]);
        Assert.Equal(HotplugCommand.Online, r.Command);
        Assert.Equal(InterfaceType.Vif, r.Type);
        Assert.Equal("vif3.0", r.Device);
        Assert.Equal("backend/vif/3/0", r.XenbusPath);
        Assert.Equal(3, r.DomainId);
        Assert.Equal(0, r.DeviceId);
        Assert.Equal("/local/domain/3/device/vif/0", r.FrontendPath);
    }

    [Fact]
    public void Parses_libxl_tap_add_and_derives_the_backend_path()
    {
        var env = new Dictionary<string, string> { ["INTERFACE"] = "vif7.2-emu", ["vif"] = "vif7.2" };
        var r = Parse(["add", "type_if=tap"], env);
        Assert.Equal(InterfaceType.Tap, r.Type);
        Assert.Equal("vif7.2-emu", r.Device);
        Assert.Equal("/local/domain/0/backend/vif/7/2", r.XenbusPath);
        Assert.Equal((7, 2), (r.DomainId, r.DeviceId));
    }

    [Fact]
    public void Accepts_the_xend_udev_way_with_arguments_in_any_order()
    {
        var r = Parse(["vif=vif4.1", "XENBUS_PATH=/local/domain/0/backend/vif/4/1", "offline"], new Dictionary<string, string>());
        Assert.Equal(HotplugCommand.Offline, r.Command);
        Assert.Equal("vif4.1", r.Device);
        Assert.Equal((4, 1), (r.DomainId, r.DeviceId));
    }

    [Fact]
    public void Arguments_override_the_environment()
    {
        Assert.Equal("vif9.9", Parse(["online", "vif=vif9.9", "XENBUS_PATH=backend/vif/9/9"]).Device);
    }

    [Theory]
    [InlineData("online", "tap")]
    [InlineData("offline", "tap")]
    [InlineData("add", "vif")]
    [InlineData("remove", "vif")]
    public void Skips_what_the_stock_script_skips(string command, string type)
    {
        var result = HotplugRequestParser.Parse([command, "type_if=" + type], new Dictionary<string, string>(LibxlEnv) { ["INTERFACE"] = "vif3.0-emu" });
        Assert.Null(result.Request);
        Assert.NotNull(result.SkipReason);
    }

    [Theory]
    [InlineData(new[] { "frobnicate" }, "invalid command 'frobnicate'")]
    [InlineData(new string[0], "no command given")]
    [InlineData(new[] { "online", "type_if=vlan" }, "unknown interface type type_if=vlan")]
    public void Rejects_bad_commands(string[] args, string expected)
    {
        Assert.Contains(expected, Fails(args), StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_xenbus_path_or_vif_is_a_clear_error()
    {
        Assert.Contains("missing environment variable XENBUS_PATH", Fails(["online"], new() { ["vif"] = "vif1.0" }), StringComparison.Ordinal);
        Assert.Contains("missing environment variable vif", Fails(["online"], new() { ["XENBUS_PATH"] = "backend/vif/1/0" }), StringComparison.Ordinal);
        Assert.Contains("missing environment variable INTERFACE", Fails(["add", "type_if=tap"], new()), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-vif1.0", "starts with '-'")]
    [InlineData("vif1.0/x", "contains '/'")]
    [InlineData("vif 1.0", "contains ' '")]
    [InlineData("..", "not a valid interface name")]
    [InlineData("vifaaaaaaaaaaaaaaa", "longer than 15 bytes")]
    public void Rejects_invalid_interface_names(string name, string expected)
    {
        var message = Fails(["online", "vif=" + name, "XENBUS_PATH=backend/vif/1/0"]);
        Assert.Contains(expected, message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("backend/vif/x/y")]
    [InlineData("backend//vif/1/0")]
    [InlineData("backend/vif/1/0/")]
    public void Rejects_bad_backend_paths(string path)
    {
        Assert.ThrowsAny<XenHotplugException>(() => HotplugRequestParser.Parse(["online", "XENBUS_PATH=" + path, "vif=eth9"], new Dictionary<string, string>()));
    }
}
