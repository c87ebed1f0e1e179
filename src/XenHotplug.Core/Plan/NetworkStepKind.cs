namespace XenHotplug.Core.Plan;

/// <summary>What a network step of an attach is for (it decides the failure's wording).</summary>
public enum NetworkStepKind
{
    /// <summary>Creating a declared bridge that does not exist yet, with its uplink.</summary>
    Bridge,

    /// <summary>The guest's port: rename, down, MAC, flush, MTU, enslave, up.</summary>
    Port,
}
