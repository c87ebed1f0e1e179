namespace XenHotplug.Core.Configuration;

/// <summary>The [network] section: how network-multibridge names bridges.</summary>
public sealed class NetworkOptions
{
    /// <summary>xenbr (bridge xenbrN, the NIC keeps its name) or legacy (ethN renamed pethN, bridge named ethN).</summary>
    public string Naming { get; set; } = "xenbr";
}
