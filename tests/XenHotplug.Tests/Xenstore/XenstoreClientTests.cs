using XenHotplug.Host.Xenstore;
using XenHotplug.XenstoreServer;

namespace XenHotplug.Tests.Xenstore;

public sealed class XenstoreClientTests : IDisposable
{
    private readonly XenstoreTestServer _server = XenstoreTestServer.Start(TestSocketPath.Create());
    private readonly XenstoreClient _client;

    public XenstoreClientTests() => _client = XenstoreClient.Connect(_server.SocketPath);

    public void Dispose()
    {
        _client.Dispose();
        _server.Dispose();
    }

    [Fact]
    public void Write_then_read()
    {
        _client.Write("/local/domain/3/name", "guest");

        Assert.Equal("guest", _client.Read("/local/domain/3/name"));
        Assert.Equal("guest", _server.Read("/local/domain/3/name"));
    }

    [Fact]
    public void Write_creates_parents_with_empty_values()
    {
        _client.Write("/backend/vif/3/0/mac", "00:16:3e:00:00:01");

        Assert.Equal(string.Empty, _client.Read("/backend/vif/3"));
        Assert.Equal(["mac"], _client.Directory("/backend/vif/3/0"));
    }

    [Fact]
    public void Empty_and_non_ascii_values_round_trip()
    {
        _client.Write("/t/empty", string.Empty);
        _client.Write("/t/text", "brücke ✓");

        Assert.Equal(string.Empty, _client.Read("/t/empty"));
        Assert.Equal("brücke ✓", _client.Read("/t/text"));
    }

    [Fact]
    public void Read_of_a_missing_node_is_null()
    {
        Assert.Null(_client.Read("/no/such/node"));
    }

    [Fact]
    public void Server_side_setup_is_visible_to_the_client()
    {
        _server.Write("/local/domain/0/backend/vif/5/0/bridge", "xenbr0");

        Assert.Equal("xenbr0", _client.Read("backend/vif/5/0/bridge"));
    }

    [Fact]
    public void Relative_paths_resolve_under_dom0_home()
    {
        _client.Write("backend/vif/3/0/state", "2");

        Assert.Equal("2", _server.Read("/local/domain/0/backend/vif/3/0/state"));
        Assert.Equal("2", _client.Read("/local/domain/0/backend/vif/3/0/state"));
        Assert.Equal(["state"], _client.Directory("backend/vif/3/0"));
    }

    [Fact]
    public void Remove_deletes_the_subtree()
    {
        _client.Write("/a/b/c", "1");
        _client.Write("/a/b/d", "2");
        _client.Write("/a/e", "3");

        _client.Remove("/a/b");

        Assert.Null(_client.Read("/a/b/c"));
        Assert.Null(_client.Read("/a/b"));
        Assert.Equal(["e"], _client.Directory("/a"));
    }

    [Fact]
    public void Remove_of_a_missing_node_is_not_an_error()
    {
        _client.Remove("/no/such/node");
        _client.Remove("/local/domain/0/missing");
    }

    [Fact]
    public void Directory_lists_children_in_creation_order()
    {
        _client.Write("/d/zeta", "1");
        _client.Write("/d/alpha", "2");
        _client.Mkdir("/d/mid");

        Assert.Equal(["zeta", "alpha", "mid"], _client.Directory("/d"));
    }

    [Fact]
    public void Directory_of_a_missing_node_is_empty()
    {
        Assert.Empty(_client.Directory("/no/such/node"));
    }

    [Fact]
    public void Mkdir_creates_an_empty_node_and_keeps_an_existing_value()
    {
        _client.Mkdir("/m/n");
        _client.Write("/m/v", "kept");
        _client.Mkdir("/m/v");

        Assert.Equal(string.Empty, _client.Read("/m/n"));
        Assert.Equal("kept", _client.Read("/m/v"));
    }

    [Fact]
    public void Get_domain_path()
    {
        Assert.Equal("/local/domain/7", _client.GetDomainPath(7));
        Assert.Equal("/local/domain/0", _client.GetDomainPath(0));
    }

    [Theory]
    [InlineData("")]
    [InlineData("/a//b")]
    [InlineData("/a/b/")]
    [InlineData("/a b")]
    [InlineData("/a.b")]
    public void Invalid_paths_are_EINVAL(string path)
    {
        var error = Assert.Throws<XenstoreException>(() => _client.Write(path, "x"));

        Assert.Equal("EINVAL", error.ErrorName);
        Assert.Contains("EINVAL", error.Message, StringComparison.Ordinal);
        Assert.Equal("still usable", ReadBack());
    }

    [Fact]
    public void Read_many_pipelines_every_request_in_one_round_trip()
    {
        var paths = Enumerable.Range(0, 300).Select(i => $"/many/{i}").ToArray();
        foreach (var path in paths.Where((_, i) => i % 3 != 0))
        {
            _server.Write(path, path.ToUpperInvariant());
        }

        var values = _client.ReadMany(paths);

        Assert.Equal(paths.Length, values.Count);
        for (int i = 0; i < paths.Length; i++)
        {
            Assert.Equal(i % 3 == 0 ? null : paths[i].ToUpperInvariant(), values[i]);
        }
    }

    [Fact]
    public void Write_many_writes_every_value()
    {
        var values = Enumerable.Range(0, 200).Select(i => KeyValuePair.Create($"backend/vif/9/{i}/state", i.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToArray();
        long before = _server.RequestCount;

        _client.WriteMany(values);

        Assert.Equal(before + 200, _server.RequestCount);
        Assert.Equal("199", _server.Read("/local/domain/0/backend/vif/9/199/state"));
        Assert.Equal(200, _client.Directory("backend/vif/9").Count);
    }

    [Fact]
    public void Empty_batches_send_nothing()
    {
        long before = _server.RequestCount;

        Assert.Empty(_client.ReadMany([]));
        _client.WriteMany([]);

        Assert.Equal(before, _server.RequestCount);
    }

    [Fact]
    public void Read_many_reports_a_non_ENOENT_error_after_reading_every_reply()
    {
        _server.Write("/ok", "fine");

        var error = Assert.Throws<XenstoreException>(() => _client.ReadMany(["/ok", "/bad//path", "/ok"]));

        Assert.Equal("EINVAL", error.ErrorName);
        Assert.Equal("fine", _client.Read("/ok"));
    }

    [Fact]
    public void Too_large_value_is_refused_before_sending()
    {
        var error = Assert.Throws<XenstoreException>(() => _client.Write("/big", new string('x', 5000)));

        Assert.Equal("E2BIG", error.ErrorName);
        Assert.Equal("still usable", ReadBack());
    }

    [Fact]
    public void Many_concurrent_clients()
    {
        Parallel.For(0, 8, i =>
        {
            using var client = XenstoreClient.Connect(_server.SocketPath);
            for (int j = 0; j < 50; j++)
            {
                client.Write($"/par/{i}/{j}", $"{i}-{j}");
            }

            Assert.Equal($"{i}-49", client.Read($"/par/{i}/49"));
        });

        Assert.Equal(8, _server.Directory("/par").Count);
    }

    [Fact]
    public void Connect_uses_XENSTORED_PATH_through_the_selector()
    {
        var endpoint = XenstoreEndpointSelector.Choose(_server.SocketPath, File.Exists);
        using var client = XenstoreClient.Connect(endpoint);

        client.Write("/via/selector", "yes");

        Assert.Equal("yes", _server.Read("/via/selector"));
        Assert.Equal(_server.SocketPath, client.Endpoint);
    }

    [Fact]
    public void Disposed_client_throws_ObjectDisposedException()
    {
        using var client = XenstoreClient.Connect(_server.SocketPath);
        client.Dispose();

        Assert.Throws<ObjectDisposedException>(() => client.Read("/x"));
    }

    private string? ReadBack()
    {
        _client.Write("/usable", "still usable");
        return _client.Read("/usable");
    }
}
