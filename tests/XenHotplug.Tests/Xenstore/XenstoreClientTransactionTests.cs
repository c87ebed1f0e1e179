using XenHotplug.Xenstore;
using XenHotplug.XenstoreServer;
using Xunit;

namespace XenHotplug.Tests.Xenstore;

public sealed class XenstoreClientTransactionTests : IDisposable
{
    private readonly XenstoreTestServer _server = XenstoreTestServer.Start(TestSocketPath.Create());
    private readonly XenstoreClient _client;
    private readonly XenstoreClient _other;

    public XenstoreClientTransactionTests()
    {
        _client = XenstoreClient.Connect(_server.SocketPath);
        _other = XenstoreClient.Connect(_server.SocketPath);
    }

    public void Dispose()
    {
        _client.Dispose();
        _other.Dispose();
        _server.Dispose();
    }

    [Fact]
    public void Writes_are_invisible_until_commit()
    {
        uint tx = _client.TransactionStart();
        Assert.NotEqual(0u, tx);

        _client.Write("/tx/a", "1", tx);
        _client.WriteMany([KeyValuePair.Create("/tx/b", "2")], tx);

        Assert.Equal("1", _client.Read("/tx/a", tx));
        Assert.Equal(["a", "b"], _client.Directory("/tx", tx));
        Assert.Null(_other.Read("/tx/a"));
        Assert.True(_client.TransactionEnd(tx, commit: true));
        Assert.Equal(["1", "2"], _other.ReadMany(["/tx/a", "/tx/b"]));
    }

    [Fact]
    public void Abort_discards_changes()
    {
        _server.Write("/tx/keep", "old");
        uint tx = _client.TransactionStart();
        _client.Write("/tx/keep", "new", tx);
        _client.Remove("/tx/keep", tx);

        Assert.True(_client.TransactionEnd(tx, commit: false));

        Assert.Equal("old", _client.Read("/tx/keep"));
    }

    [Fact]
    public void Remove_and_mkdir_inside_a_transaction_apply_at_commit()
    {
        _server.Write("/tx/gone/child", "x");
        uint tx = _client.TransactionStart();
        _client.Remove("/tx/gone", tx);
        _client.Mkdir("/tx/made", tx);
        Assert.Null(_client.Read("/tx/gone/child", tx));
        Assert.Equal("x", _other.Read("/tx/gone/child"));

        Assert.True(_client.TransactionEnd(tx, commit: true));

        Assert.Null(_other.Read("/tx/gone"));
        Assert.Equal(string.Empty, _other.Read("/tx/made"));
    }

    [Fact]
    public void Commit_answers_EAGAIN_when_another_writer_changed_what_was_read()
    {
        _server.Write("/tx/counter", "1");
        uint tx = _client.TransactionStart();
        string value = _client.Read("/tx/counter", tx)!;
        _other.Write("/tx/counter", "5");
        _client.Write("/tx/counter", value + "0", tx);

        Assert.False(_client.TransactionEnd(tx, commit: true));

        Assert.Equal("5", _client.Read("/tx/counter"));
    }

    [Fact]
    public void Unrelated_writes_do_not_conflict()
    {
        _server.Write("/tx/mine", "1");
        _server.Write("/tx/theirs", "1");
        uint tx = _client.TransactionStart();
        _client.Read("/tx/mine", tx);
        _other.Write("/tx/theirs", "2");
        _client.Write("/tx/mine", "2", tx);

        Assert.True(_client.TransactionEnd(tx, commit: true));
    }

    [Fact]
    public void Unknown_transaction_id_is_ENOENT()
    {
        var error = Assert.Throws<XenstoreException>(() => _client.Write("/x", "1", 999));

        Assert.Equal("ENOENT", error.ErrorName);
    }

    [Fact]
    public void Run_transaction_retries_on_EAGAIN()
    {
        _server.Write("/tx/counter", "0");
        int attempts = 0;

        int result = _client.RunTransaction(tx =>
        {
            attempts++;
            int value = int.Parse(_client.Read("/tx/counter", tx)!, System.Globalization.CultureInfo.InvariantCulture);
            if (attempts < 3)
            {
                _other.Write("/tx/counter", (value + 100).ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            _client.Write("/tx/counter", (value + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), tx);
            return value + 1;
        });

        Assert.Equal(3, attempts);
        Assert.Equal(201, result);
        Assert.Equal("201", _server.Read("/tx/counter"));
    }

    [Fact]
    public void Run_transaction_gives_up_after_the_attempt_limit()
    {
        _server.Write("/tx/hot", "0");
        int attempts = 0;

        var error = Assert.Throws<XenstoreException>(() => _client.RunTransaction(tx =>
        {
            attempts++;
            _client.Read("/tx/hot", tx);
            _other.Write("/tx/hot", attempts.ToString(System.Globalization.CultureInfo.InvariantCulture));
            _client.Write("/tx/hot", "mine", tx);
        }, maxAttempts: 4));

        Assert.Equal("EAGAIN", error.ErrorName);
        Assert.Equal(4, attempts);
        Assert.Equal("4", _server.Read("/tx/hot"));
    }

    [Fact]
    public void Run_transaction_aborts_and_rethrows_when_the_body_fails()
    {
        var error = Assert.Throws<InvalidOperationException>(() => _client.RunTransaction(tx =>
        {
            _client.Write("/tx/never", "1", tx);
            throw new InvalidOperationException("body failed");
        }));

        Assert.Equal("body failed", error.Message);
        Assert.Null(_client.Read("/tx/never"));
    }

    [Fact]
    public void Concurrent_increments_with_retry_lose_no_update()
    {
        _server.Write("/tx/shared", "0");

        Parallel.For(0, 4, _ =>
        {
            using var client = XenstoreClient.Connect(_server.SocketPath);
            for (int i = 0; i < 25; i++)
            {
                client.RunTransaction(tx =>
                {
                    int value = int.Parse(client.Read("/tx/shared", tx)!, System.Globalization.CultureInfo.InvariantCulture);
                    client.Write("/tx/shared", (value + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), tx);
                }, maxAttempts: 1000);
            }
        });

        Assert.Equal("100", _server.Read("/tx/shared"));
    }
}
