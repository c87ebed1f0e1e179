namespace XenHotplug.Core.Metrics;

/// <summary>
/// How one hotplug run ended, in a bounded set of classes (a label value, never free text): success, or a failure
/// that was refused (the request, the configuration or the policy said no), that timed out (the deadline or a
/// lock), or any other error (the host, xenstore, an internal error).
/// </summary>
public enum HotplugOutcome
{
    Success,
    Refused,
    Timeout,
    Error,
}
