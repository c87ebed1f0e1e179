namespace XenHotplug.Core.Render;

/// <summary>A static route for rendered configuration: "default" or a prefix, an optional gateway and metric.</summary>
public sealed record RenderedRoute(bool IPv6, string Destination, string? Gateway, int? Metric)
{
    public bool IsDefault => Destination == "default";

    /// <summary>The destination as a prefix ("0.0.0.0/0", "::/0" for the default route).</summary>
    public string Prefix => IsDefault ? (IPv6 ? "::/0" : "0.0.0.0/0") : Destination;
}
