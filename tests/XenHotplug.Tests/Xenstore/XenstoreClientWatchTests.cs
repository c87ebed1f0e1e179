using XenHotplug.Host.Xenstore;

namespace XenHotplug.Tests.Xenstore;

public sealed class XenstoreClientWatchTests : TwoClientsOnATestServer
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(100);

    [Fact]
    public void Watch_fires_once_at_registration()
    {
        Client.Watch("/w", "tok");

        Assert.Equal(new XenstoreWatchEvent("/w", "tok"), Client.ReadWatchEvent(Wait));
        Assert.Null(Client.ReadWatchEvent(Short));
    }

    [Fact]
    public void Writes_below_the_watched_path_fire_with_the_changed_path()
    {
        Client.Watch("/w", "tok");
        Client.ReadWatchEvent(Wait);

        Other.Write("/w/a/b", "1");
        Other.Write("/other", "1");
        Other.Write("/w", "2");

        Assert.Equal(new XenstoreWatchEvent("/w/a/b", "tok"), Client.ReadWatchEvent(Wait));
        Assert.Equal(new XenstoreWatchEvent("/w", "tok"), Client.ReadWatchEvent(Wait));
        Assert.Null(Client.ReadWatchEvent(Short));
    }

    [Fact]
    public void Removing_an_ancestor_fires_watches_inside_it()
    {
        Server.Write("/r/a/b", "1");
        Client.Watch("/r/a/b", "inner");
        Client.ReadWatchEvent(Wait);

        Other.Remove("/r");

        Assert.Equal(new XenstoreWatchEvent("/r/a/b", "inner"), Client.ReadWatchEvent(Wait));
    }

    [Fact]
    public void Relative_watches_report_relative_paths()
    {
        Client.Watch("backend/vif", "rel");
        Assert.Equal(new XenstoreWatchEvent("backend/vif", "rel"), Client.ReadWatchEvent(Wait));

        Other.Write("/local/domain/0/backend/vif/3/0/state", "4");

        Assert.Equal(new XenstoreWatchEvent("backend/vif/3/0/state", "rel"), Client.ReadWatchEvent(Wait));
    }

    [Fact]
    public void Events_arriving_during_a_request_are_queued()
    {
        Client.Watch("/q", "tok");
        Client.Watch("/q2", "tok2");
        Server.Write("/q/x", "1");
        Server.Write("/q2/y", "1");

        Assert.Equal("1", Client.Read("/q/x"));

        var events = Enumerable.Range(0, 4).Select(_ => Client.ReadWatchEvent(Wait)!).ToList();
        XenstoreWatchEvent[] expected = [new("/q", "tok"), new("/q2", "tok2"), new("/q/x", "tok"), new("/q2/y", "tok2")];
        Assert.Equal(expected, events);
    }

    [Fact]
    public void Unwatch_stops_events()
    {
        Client.Watch("/u", "tok");
        Client.ReadWatchEvent(Wait);

        Client.Unwatch("/u", "tok");
        Other.Write("/u/x", "1");

        Assert.Null(Client.ReadWatchEvent(Short));
    }

    [Fact]
    public void Unwatch_of_an_unknown_watch_is_ENOENT()
    {
        Assert.Equal("ENOENT", Assert.Throws<XenstoreException>(() => Client.Unwatch("/none", "tok")).ErrorName);
    }

    [Fact]
    public void Duplicate_watch_is_EEXIST()
    {
        Client.Watch("/dup", "tok");

        Assert.Equal("EEXIST", Assert.Throws<XenstoreException>(() => Client.Watch("/dup", "tok")).ErrorName);
    }

    [Fact]
    public void Special_watch_paths_are_accepted()
    {
        Client.Watch("@releaseDomain", "rel");

        Assert.Equal(new XenstoreWatchEvent("@releaseDomain", "rel"), Client.ReadWatchEvent(Wait));
        Assert.Equal(1, Server.WatchCount);
    }

    [Fact]
    public void Transaction_changes_fire_at_commit()
    {
        Client.Watch("/txw", "tok");
        Client.ReadWatchEvent(Wait);

        uint tx = Other.TransactionStart();
        Other.Write("/txw/a", "1", tx);
        Assert.Null(Client.ReadWatchEvent(Short));
        Assert.True(Other.TransactionEnd(tx, commit: true));

        Assert.Equal(new XenstoreWatchEvent("/txw/a", "tok"), Client.ReadWatchEvent(Wait));
    }

    [Fact]
    public async Task Read_watch_event_waits_for_a_later_write()
    {
        Client.Watch("/later", "tok");
        Client.ReadWatchEvent(Wait);

        var write = Task.Run(async () =>
        {
            await Task.Delay(200);
            Server.Write("/later/x", "1");
        });

        Assert.Equal(new XenstoreWatchEvent("/later/x", "tok"), Client.ReadWatchEvent(Wait));
        await write;
    }
}
