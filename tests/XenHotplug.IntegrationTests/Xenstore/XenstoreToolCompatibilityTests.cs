using XenHotplug.Host.Xenstore;
using XenHotplug.TestSupport;
using XenHotplug.XenstoreServer;

namespace XenHotplug.IntegrationTests.Xenstore;

/// <summary>Proves the test xenstored against Debian's real client tools, in both directions.</summary>
public sealed class XenstoreToolCompatibilityTests : IDisposable
{
    private readonly XenstoreTestServer _server =
        XenstoreTestServer.Start(Path.Combine(Path.GetTempPath(), $"xs-it-{Guid.NewGuid():N}.sock"));
    private readonly XenstoreClient _client;

    public XenstoreToolCompatibilityTests() => _client = XenstoreClient.Connect(_server.SocketPath);

    public void Dispose()
    {
        _client.Dispose();
        _server.Dispose();
    }

    [Fact]
    public void Tools_are_installed()
    {
        foreach (var tool in new[] { "xenstore-read", "xenstore-write", "xenstore-rm", "xenstore-exists", "xenstore-ls", "xenstore-list", "xenstore-watch" })
        {
            Assert.True(File.Exists(XenstoreTool.Locate(tool)));
        }
    }

    [Fact]
    public void Tool_write_is_read_by_our_client()
    {
        var result = Tool("xenstore-write", "/local/domain/3/name", "guest3", "/backend/vif/3/0/bridge", "xenbr0");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["guest3", "xenbr0"], _client.ReadMany(["/local/domain/3/name", "/backend/vif/3/0/bridge"]));
    }

    [Fact]
    public void Our_client_write_is_read_by_the_tool()
    {
        _client.WriteMany([KeyValuePair.Create("/a/one", "1"), KeyValuePair.Create("/a/two", "second value")]);

        var result = Tool("xenstore-read", "/a/one", "/a/two");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["1", "second value"], result.OutputLines);
    }

    [Fact]
    public void Relative_tool_paths_resolve_under_dom0_home()
    {
        Assert.Equal(0, Tool("xenstore-write", "backend/vif/4/0/state", "2").ExitCode);

        Assert.Equal("2", _client.Read("/local/domain/0/backend/vif/4/0/state"));
        Assert.Equal(["2"], Tool("xenstore-read", "backend/vif/4/0/state").OutputLines);
    }

    [Fact]
    public void Tool_read_of_a_missing_node_fails()
    {
        var result = Tool("xenstore-read", "/no/such/node");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("/no/such/node", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void Tool_exists_reports_presence_by_exit_code()
    {
        _client.Write("/present", "yes");

        Assert.Equal(0, Tool("xenstore-exists", "/present").ExitCode);
        Assert.NotEqual(0, Tool("xenstore-exists", "/absent").ExitCode);
    }

    [Fact]
    public void Tool_rm_removes_what_our_client_wrote()
    {
        _client.Write("/gone/child/leaf", "x");

        Assert.Equal(0, Tool("xenstore-rm", "/gone").ExitCode);

        Assert.Null(_client.Read("/gone/child/leaf"));
        Assert.Null(_client.Read("/gone"));
    }

    [Fact]
    public void Tool_list_shows_children()
    {
        _client.Write("/vifs/0", "a");
        _client.Write("/vifs/1", "b");
        _client.Mkdir("/vifs/2");

        var result = Tool("xenstore-list", "/vifs");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["0", "1", "2"], result.OutputLines);
    }

    [Fact]
    public void Tool_ls_shows_the_tree()
    {
        _client.Write("/tree/x/y", "deep");
        _client.Write("/tree/z", "top");

        var result = Tool("xenstore-ls", "/tree");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["x = \"\"", " y = \"deep\"", "z = \"top\""], result.OutputLines);
    }

    [Fact]
    public void Tool_ls_with_permissions()
    {
        _client.Write("/perm/node", "v");

        var result = Tool("xenstore-ls", "-p", "/perm");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("(n0)", result.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public void Tool_watch_sees_the_initial_event_and_our_write()
    {
        using var watch = XenstoreTool.Start(_server.SocketPath, "xenstore-watch", "-n", "2", "/watched");
        WaitUntil(() => _server.WatchCount == 1, "xenstore-watch registered its watch");

        _client.Write("/watched/child", "1");

        var result = XenstoreTool.WaitForExit(watch, TimeSpan.FromSeconds(15));
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["/watched", "/watched/child"], result.OutputLines);
    }

    [Fact]
    public void Our_watch_sees_tool_writes()
    {
        _client.Watch("/events", "tok");
        Assert.Equal(new XenstoreWatchEvent("/events", "tok"), _client.ReadWatchEvent(TimeSpan.FromSeconds(5)));

        Assert.Equal(0, Tool("xenstore-write", "/events/state", "4").ExitCode);

        Assert.Equal(new XenstoreWatchEvent("/events/state", "tok"), _client.ReadWatchEvent(TimeSpan.FromSeconds(5)));
    }

    private ProcResult Tool(string tool, params string[] arguments) => XenstoreTool.Run(_server.SocketPath, tool, arguments);

    private static void WaitUntil(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting until {what}");
            Thread.Sleep(20);
        }
    }
}
