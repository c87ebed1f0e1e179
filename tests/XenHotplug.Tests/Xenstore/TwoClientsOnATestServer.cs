using XenHotplug.Host.Xenstore;
using XenHotplug.XenstoreServer;

namespace XenHotplug.Tests.Xenstore;

/// <summary>A test server of its own and two clients on it (one acting, one watching or competing); all disposed after each test.</summary>
public abstract class TwoClientsOnATestServer : IDisposable
{
    protected TwoClientsOnATestServer()
    {
        Server = XenstoreTestServer.Start(TestSocketPath.Create());
        Client = XenstoreClient.Connect(Server.SocketPath);
        Other = XenstoreClient.Connect(Server.SocketPath);
    }

    protected XenstoreTestServer Server { get; }
    protected XenstoreClient Client { get; }
    protected XenstoreClient Other { get; }

    public void Dispose()
    {
        Client.Dispose();
        Other.Dispose();
        Server.Dispose();
        GC.SuppressFinalize(this);
    }
}
