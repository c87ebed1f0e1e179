namespace XenHotplug.IntegrationTests.Packaging;

/// <summary>
/// The packaging tests run <c>make deb rpm</c>, which republishes the executables in out/ that other
/// integration tests execute; this collection runs alone, after the parallel ones.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PackagingTestGroup
{
    public const string Name = "Packaging";
}
