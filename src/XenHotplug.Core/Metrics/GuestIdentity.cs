namespace XenHotplug.Core.Metrics;

/// <summary>Whose a guest vif is: the domain id (from its name or vif-multibridge's alias; null when neither says) and the domain's name (xenstore; empty when unknown).</summary>
public sealed record GuestIdentity(int? Domid, string Domain);
