namespace XenHotplug.Host.Xenstore;

/// <summary>Where <see cref="XenstoreClient.Connect()"/> connects: a path and how to open it.</summary>
public sealed record XenstoreEndpoint(string Path, XenstoreEndpointKind Kind);
