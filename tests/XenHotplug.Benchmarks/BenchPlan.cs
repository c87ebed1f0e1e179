using System.Text.Json.Serialization;

namespace XenHotplug.Benchmarks;

/// <summary>One process to start: absolute file, arguments, the environment libxl would give it (merged over the driver's).</summary>
internal sealed record BenchJob(string File, IReadOnlyList<string> Args, IReadOnlyDictionary<string, string> Env, string Device);

/// <summary>
/// A batch of jobs: Sequential (one after another), Concurrent (all started at once) or Bounded (at most
/// <see cref="Parallelism"/> running). After the phase, each job's device must be on <see cref="ExpectMaster"/>
/// ("" = on no bridge, "*" = on any bridge, null = no check).
/// </summary>
internal sealed record BenchPhase(string Name, string Mode, int Parallelism, IReadOnlyList<BenchJob> Jobs, string? ExpectMaster);

internal sealed record BenchPlan(string LogPath, IReadOnlyList<BenchPhase> Phases);

/// <summary>What one phase measured: per-job wall times (ms), exit codes, max RSS (KiB), and the phase's total wall time.</summary>
internal sealed record PhaseResult(
    string Name,
    IReadOnlyList<double> Millis,
    IReadOnlyList<int> ExitCodes,
    IReadOnlyList<long> MaxRssKb,
    double WallMillis,
    int WrongState,
    IReadOnlyList<string> Masters);

internal sealed record BenchResults(IReadOnlyList<PhaseResult> Phases);

[JsonSerializable(typeof(BenchPlan))]
[JsonSerializable(typeof(BenchResults))]
internal sealed partial class BenchJson : JsonSerializerContext;
