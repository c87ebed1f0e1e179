using XenHotplug.Host.Xenstore;

namespace XenHotplug.Tests.Xenstore;

public sealed class XenstoreClientTransactionTests : TwoClientsOnATestServer
{
    [Fact]
    public void Writes_are_invisible_until_commit()
    {
        uint tx = Client.TransactionStart();
        Assert.NotEqual(0u, tx);

        Client.Write("/tx/a", "1", tx);
        Client.WriteMany([KeyValuePair.Create("/tx/b", "2")], tx);

        Assert.Equal("1", Client.Read("/tx/a", tx));
        Assert.Equal(["a", "b"], Client.Directory("/tx", tx));
        Assert.Null(Other.Read("/tx/a"));
        Assert.True(Client.TransactionEnd(tx, commit: true));
        Assert.Equal(["1", "2"], Other.ReadMany(["/tx/a", "/tx/b"]));
    }

    [Fact]
    public void Abort_discards_changes()
    {
        Server.Write("/tx/keep", "old");
        uint tx = Client.TransactionStart();
        Client.Write("/tx/keep", "new", tx);
        Client.Remove("/tx/keep", tx);

        Assert.True(Client.TransactionEnd(tx, commit: false));

        Assert.Equal("old", Client.Read("/tx/keep"));
    }

    [Fact]
    public void Remove_and_mkdir_inside_a_transaction_apply_at_commit()
    {
        Server.Write("/tx/gone/child", "x");
        uint tx = Client.TransactionStart();
        Client.Remove("/tx/gone", tx);
        Client.Mkdir("/tx/made", tx);
        Assert.Null(Client.Read("/tx/gone/child", tx));
        Assert.Equal("x", Other.Read("/tx/gone/child"));

        Assert.True(Client.TransactionEnd(tx, commit: true));

        Assert.Null(Other.Read("/tx/gone"));
        Assert.Equal(string.Empty, Other.Read("/tx/made"));
    }

    [Fact]
    public void Commit_answers_EAGAIN_when_another_writer_changed_what_was_read()
    {
        Server.Write("/tx/counter", "1");
        uint tx = Client.TransactionStart();
        string value = Client.Read("/tx/counter", tx)!;
        Other.Write("/tx/counter", "5");
        Client.Write("/tx/counter", value + "0", tx);

        Assert.False(Client.TransactionEnd(tx, commit: true));

        Assert.Equal("5", Client.Read("/tx/counter"));
    }

    [Fact]
    public void Unrelated_writes_do_not_conflict()
    {
        Server.Write("/tx/mine", "1");
        Server.Write("/tx/theirs", "1");
        uint tx = Client.TransactionStart();
        Client.Read("/tx/mine", tx);
        Other.Write("/tx/theirs", "2");
        Client.Write("/tx/mine", "2", tx);

        Assert.True(Client.TransactionEnd(tx, commit: true));
    }

    [Fact]
    public void Unknown_transaction_id_is_ENOENT()
    {
        var error = Assert.Throws<XenstoreException>(() => Client.Write("/x", "1", 999));

        Assert.Equal("ENOENT", error.ErrorName);
    }

    [Fact]
    public void Run_transaction_retries_on_EAGAIN()
    {
        Server.Write("/tx/counter", "0");
        int attempts = 0;

        int result = Client.RunTransaction(tx =>
        {
            attempts++;
            int value = int.Parse(Client.Read("/tx/counter", tx)!, System.Globalization.CultureInfo.InvariantCulture);
            if (attempts < 3)
            {
                Other.Write("/tx/counter", (value + 100).ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            Client.Write("/tx/counter", (value + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), tx);
            return value + 1;
        });

        Assert.Equal(3, attempts);
        Assert.Equal(201, result);
        Assert.Equal("201", Server.Read("/tx/counter"));
    }

    [Fact]
    public void Run_transaction_gives_up_after_the_attempt_limit()
    {
        Server.Write("/tx/hot", "0");
        int attempts = 0;

        var error = Assert.Throws<XenstoreException>(() => Client.RunTransaction(tx =>
        {
            attempts++;
            Client.Read("/tx/hot", tx);
            Other.Write("/tx/hot", attempts.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Client.Write("/tx/hot", "mine", tx);
        }, maxAttempts: 4));

        Assert.Equal("EAGAIN", error.ErrorName);
        Assert.Equal(4, attempts);
        Assert.Equal("4", Server.Read("/tx/hot"));
    }

    [Fact]
    public void Run_transaction_aborts_and_rethrows_when_the_body_fails()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Client.RunTransaction(tx =>
        {
            Client.Write("/tx/never", "1", tx);
            throw new InvalidOperationException("body failed");
        }));

        Assert.Equal("body failed", error.Message);
        Assert.Null(Client.Read("/tx/never"));
    }

    [Fact]
    public void Concurrent_increments_with_retry_lose_no_update()
    {
        Server.Write("/tx/shared", "0");

        Parallel.For(0, 4, _ =>
        {
            using var client = XenstoreClient.Connect(Server.SocketPath);
            for (int i = 0; i < 25; i++)
            {
                client.RunTransaction(tx =>
                {
                    int value = int.Parse(client.Read("/tx/shared", tx)!, System.Globalization.CultureInfo.InvariantCulture);
                    client.Write("/tx/shared", (value + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), tx);
                }, maxAttempts: 1000);
            }
        });

        Assert.Equal("100", Server.Read("/tx/shared"));
    }
}
