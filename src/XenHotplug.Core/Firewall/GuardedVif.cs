namespace XenHotplug.Core.Firewall;

/// <summary>One guarded interface as the kernel has it: its chain, mode, number of rules and packets dropped so far.</summary>
public sealed record GuardedVif(string Interface, string Chain, string Mode, int Rules, long Dropped);
