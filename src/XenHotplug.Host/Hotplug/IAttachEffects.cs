using XenHotplug.Core.Firewall;
using XenHotplug.Core.Network;

namespace XenHotplug.Host.Hotplug;

/// <summary>The changes an attach's steps make on the host, one member per kind of step and of undo.</summary>
public interface IAttachEffects
{
    /// <summary>Runs a network step's batch; a failure is a <see cref="NetOpException"/> naming the operation it stopped at.</summary>
    void Run(IReadOnlyList<NetOp> batch);

    /// <summary>Runs an undo: every operation is tried; the failures are returned.</summary>
    IReadOnlyList<string> RunAll(IReadOnlyList<NetOp> undo);

    /// <summary>Installs a guard in one transaction, or fails with a one-line <see cref="Core.Failures.HotplugException"/> and changes nothing.</summary>
    void Install(VifGuard guard);

    /// <summary>Removes a guard an attach installed (best effort: problems are logged).</summary>
    void Remove(VifGuard guard);

    /// <summary>Stores a round-robin pool's cursor; a failure is a one-line <see cref="Core.Failures.HotplugException"/>.</summary>
    void WriteCursor(string pool, long cursor);

    /// <summary>Writes xenstore keys; a failure is a <see cref="Xenstore.XenstoreException"/>.</summary>
    void Write(IReadOnlyList<KeyValuePair<string, string>> writes);
}
