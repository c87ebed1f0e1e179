using XenHotplug.Core.Failures;
using XenHotplug.Core.Firewall;
using XenHotplug.Core.Network;
using XenHotplug.Core.Request;
using XenHotplug.Host.Firewall;
using XenHotplug.Host.RunState;
using XenHotplug.Host.Xenstore;

namespace XenHotplug.Host.Hotplug;

/// <summary>An attach's effects on the real host: rtnetlink (or `ip -batch`), nf_tables, the run directory, xenstore.</summary>
public sealed class HostAttachEffects(HotplugRequest request, INetworkRunner runner, VifFirewall firewall, RunDirectory runDir, IXenstore xenstore) : IAttachEffects
{
    public void Run(IReadOnlyList<NetOp> batch) => runner.Run(batch);

    public IReadOnlyList<string> RunAll(IReadOnlyList<NetOp> undo) => runner.Run(undo, keepGoing: true);

    public void Install(VifGuard guard) => firewall.Install(request, guard);

    public void Remove(VifGuard guard) => firewall.Uninstall(request, guard);

    public void WriteCursor(string pool, long cursor)
    {
        try
        {
            runDir.WriteCursor(pool, cursor);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new HotplugException($"cannot store the round-robin cursor in {runDir.Path}: {e.Message}", e);
        }
    }

    public void Write(IReadOnlyList<KeyValuePair<string, string>> writes) => xenstore.WriteMany(writes);
}
