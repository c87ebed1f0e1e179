using XenHotplug.Xenstore;
using XenHotplug.XenstoreServer;
using Xunit;

namespace XenHotplug.Tests.Xenstore;

public sealed class XenstoreClientWatchTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(100);

    private readonly XenstoreTestServer _server = XenstoreTestServer.Start(TestSocketPath.Create());
    private readonly XenstoreClient _client;
    private readonly XenstoreClient _writer;

    public XenstoreClientWatchTests()
    {
        _client = XenstoreClient.Connect(_server.SocketPath);
        _writer = XenstoreClient.Connect(_server.SocketPath);
    }

    public void Dispose()
    {
        _client.Dispose();
        _writer.Dispose();
        _server.Dispose();
    }

    [Fact]
    public void Watch_fires_once_at_registration()
    {
        _client.Watch("/w", "tok");

        Assert.Equal(new XenstoreWatchEvent("/w", "tok"), _client.ReadWatchEvent(Wait));
        Assert.Null(_client.ReadWatchEvent(Short));
    }

    [Fact]
    public void Writes_below_the_watched_path_fire_with_the_changed_path()
    {
        _client.Watch("/w", "tok");
        _client.ReadWatchEvent(Wait);

        _writer.Write("/w/a/b", "1");
        _writer.Write("/other", "1");
        _writer.Write("/w", "2");

        Assert.Equal(new XenstoreWatchEvent("/w/a/b", "tok"), _client.ReadWatchEvent(Wait));
        Assert.Equal(new XenstoreWatchEvent("/w", "tok"), _client.ReadWatchEvent(Wait));
        Assert.Null(_client.ReadWatchEvent(Short));
    }

    [Fact]
    public void Removing_an_ancestor_fires_watches_inside_it()
    {
        _server.Write("/r/a/b", "1");
        _client.Watch("/r/a/b", "inner");
        _client.ReadWatchEvent(Wait);

        _writer.Remove("/r");

        Assert.Equal(new XenstoreWatchEvent("/r/a/b", "inner"), _client.ReadWatchEvent(Wait));
    }

    [Fact]
    public void Relative_watches_report_relative_paths()
    {
        _client.Watch("backend/vif", "rel");
        Assert.Equal(new XenstoreWatchEvent("backend/vif", "rel"), _client.ReadWatchEvent(Wait));

        _writer.Write("/local/domain/0/backend/vif/3/0/state", "4");

        Assert.Equal(new XenstoreWatchEvent("backend/vif/3/0/state", "rel"), _client.ReadWatchEvent(Wait));
    }

    [Fact]
    public void Events_arriving_during_a_request_are_queued()
    {
        _client.Watch("/q", "tok");
        _client.Watch("/q2", "tok2");
        _server.Write("/q/x", "1");
        _server.Write("/q2/y", "1");

        Assert.Equal("1", _client.Read("/q/x"));

        var events = Enumerable.Range(0, 4).Select(_ => _client.ReadWatchEvent(Wait)!).ToList();
        XenstoreWatchEvent[] expected = [new("/q", "tok"), new("/q2", "tok2"), new("/q/x", "tok"), new("/q2/y", "tok2")];
        Assert.Equal(expected, events);
    }

    [Fact]
    public void Unwatch_stops_events()
    {
        _client.Watch("/u", "tok");
        _client.ReadWatchEvent(Wait);

        _client.Unwatch("/u", "tok");
        _writer.Write("/u/x", "1");

        Assert.Null(_client.ReadWatchEvent(Short));
    }

    [Fact]
    public void Unwatch_of_an_unknown_watch_is_ENOENT()
    {
        Assert.Equal("ENOENT", Assert.Throws<XenstoreException>(() => _client.Unwatch("/none", "tok")).ErrorName);
    }

    [Fact]
    public void Duplicate_watch_is_EEXIST()
    {
        _client.Watch("/dup", "tok");

        Assert.Equal("EEXIST", Assert.Throws<XenstoreException>(() => _client.Watch("/dup", "tok")).ErrorName);
    }

    [Fact]
    public void Special_watch_paths_are_accepted()
    {
        _client.Watch("@releaseDomain", "rel");

        Assert.Equal(new XenstoreWatchEvent("@releaseDomain", "rel"), _client.ReadWatchEvent(Wait));
        Assert.Equal(1, _server.WatchCount);
    }

    [Fact]
    public void Transaction_changes_fire_at_commit()
    {
        _client.Watch("/txw", "tok");
        _client.ReadWatchEvent(Wait);

        uint tx = _writer.TransactionStart();
        _writer.Write("/txw/a", "1", tx);
        Assert.Null(_client.ReadWatchEvent(Short));
        Assert.True(_writer.TransactionEnd(tx, commit: true));

        Assert.Equal(new XenstoreWatchEvent("/txw/a", "tok"), _client.ReadWatchEvent(Wait));
    }

    [Fact]
    public async Task Read_watch_event_waits_for_a_later_write()
    {
        _client.Watch("/later", "tok");
        _client.ReadWatchEvent(Wait);

        var write = Task.Run(async () =>
        {
            await Task.Delay(200);
            _server.Write("/later/x", "1");
        });

        Assert.Equal(new XenstoreWatchEvent("/later/x", "tok"), _client.ReadWatchEvent(Wait));
        await write;
    }
}
