using Serilog;
using XenHotplug.Core.Failures;
using XenHotplug.Core.Plan;
using XenHotplug.Core.Request;
using XenHotplug.Host.Xenstore;

namespace XenHotplug.Host.Hotplug;

/// <summary>
/// Runs an attach plan's steps in order. When a step fails, the undos of what already ran — a network step's only
/// for the operations it applied — run in reverse, here and nowhere else, and the failure is raised as one line
/// (saying the device was put back once its port was touched). Every step draws from the run's one deadline.
/// </summary>
public sealed class AttachExecutor(IAttachEffects effects, Deadline deadline, ILogger log)
{
    public void Execute(HotplugRequest request, AttachPlan plan)
    {
        if (plan.Refusal is { } refusal) throw new HotplugException(refusal);
        var ran = new List<(AttachStep Step, int Applied)>();
        foreach (var step in plan.Steps)
        {
            try
            {
                deadline.ThrowIfExpired($"attaching {plan.Target} to {plan.Decision.Bridge}");
                Run(step);
                ran.Add((step, int.MaxValue));
            }
            catch (Exception e) when (e is XenHotplugException or IOException or UnauthorizedAccessException)
            {
                if (step is NetworkStep) ran.Add((step, e is Core.Network.NetOpException { FailedIndex: >= 0 } n ? n.FailedIndex : int.MaxValue));
                RollBack(ran);
                throw Failure(request, plan, step, e, portTouched: ran.Exists(r => r.Step is NetworkStep { Kind: NetworkStepKind.Port }));
            }
        }
    }

    private void Run(AttachStep step)
    {
        switch (step)
        {
            case NetworkStep network:
                effects.Run(network.Batch);
                break;
            case GuardStep guard:
                effects.Install(guard.Guard);
                break;
            case CursorStep cursor:
                effects.WriteCursor(cursor.Pool, cursor.Next);
                break;
            case XenstoreStep xenstore:
                effects.Write(xenstore.Writes);
                break;
            default:
                throw new InvalidOperationException("unknown attach step " + step.GetType().Name);
        }
    }

    /// <summary>The one rollback: each step that ran (or started), last first. Best effort: problems are logged.</summary>
    private void RollBack(List<(AttachStep Step, int Applied)> ran)
    {
        for (var i = ran.Count - 1; i >= 0; i--)
        {
            switch (ran[i].Step)
            {
                case NetworkStep network when network.UndoOf(ran[i].Applied) is { Count: > 0 } undo:
                    foreach (var problem in effects.RunAll(undo))
                        log.Warning("rollback of {Device}: {Problem}", network.Device, problem);
                    break;
                case GuardStep { RemoveOnUndo: true } guard:
                    effects.Remove(guard.Guard);
                    break;
                case CursorStep cursor:
                    try
                    {
                        effects.WriteCursor(cursor.Pool, cursor.Previous);
                    }
                    catch (HotplugException e)
                    {
                        log.Warning("rollback of the round-robin cursor of pool {Pool}: {Error}", cursor.Pool, e.Message);
                    }
                    break;
                default:
                    break; // a guard kept for the port attached before, xenstore (the last step): nothing to take back
            }
        }
    }

    private static HotplugException Failure(HotplugRequest request, AttachPlan plan, AttachStep step, Exception e, bool portTouched)
    {
        var what = (step, e) switch
        {
            (NetworkStep { Kind: NetworkStepKind.Bridge } bridge, Core.Network.NetOpException n) => $"cannot create bridge {bridge.Device}: {n.Error}",
            (NetworkStep { Kind: NetworkStepKind.Port }, _) => $"attaching {request.Device} to {plan.Decision.Bridge} failed: {e.Message}",
            (_, XenstoreException) => "xenstore: " + e.Message,
            _ => e.Message,
        };
        return new HotplugException(portTouched ? $"{what}; {plan.Current} was put back as it was" : what, e);
    }
}
