using System.Text.RegularExpressions;

namespace XenHotplug.Tests.Architecture;

/// <summary>The layout is the architecture: a pure core, one side-effect layer, no namespace cycle.</summary>
public partial class ArchitectureTests
{
    private static readonly string[] Projects = ["XenHotplug.Core", "XenHotplug.Host", "VifMultibridge", "NetworkMultibridge"];

    [Fact]
    public void No_namespace_depends_on_itself_through_others()
    {
        var graph = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var file in Projects.SelectMany(SourceTree.Files))
        {
            var text = File.ReadAllText(file);
            var ns = SourceTree.Namespace(text);
            if (!graph.TryGetValue(ns, out var edges)) graph[ns] = edges = new(StringComparer.Ordinal);
            foreach (var used in SourceTree.Uses(text))
            {
                if (used != ns) edges.Add(used);
            }
        }
        Assert.True(graph.Count > 10, "expected the project's namespaces, found " + graph.Count);
        var cycle = FindCycle(graph);
        Assert.True(cycle is null, "namespace cycle: " + (cycle is null ? "" : string.Join(" -> ", cycle)));
    }

    [Fact]
    public void The_core_has_no_side_effects()
    {
        var offences = new List<string>();
        foreach (var file in SourceTree.Files("XenHotplug.Core"))
        {
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                var code = lines[i].Split("//", 2)[0];
                if (SideEffect().IsMatch(code))
                    offences.Add($"{Path.GetRelativePath(SourceTree.Root, file)}:{i + 1}: {lines[i].Trim()}");
            }
        }
        Assert.True(offences.Count == 0, "side effects in the pure core:\n" + string.Join('\n', offences));
    }

    [Fact]
    public void The_core_never_uses_the_host_layer()
    {
        var offences = SourceTree.Files("XenHotplug.Core")
            .Where(f => SourceTree.Uses(File.ReadAllText(f)).Any(u => u.StartsWith("XenHotplug.Host", StringComparison.Ordinal)))
            .ToList();
        Assert.Empty(offences);
    }

    private static List<string>? FindCycle(Dictionary<string, HashSet<string>> graph)
    {
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 visiting, 2 done
        var path = new List<string>();
        List<string>? Visit(string n)
        {
            state[n] = 1;
            path.Add(n);
            foreach (var m in graph.TryGetValue(n, out var e) ? e : [])
            {
                if (state.GetValueOrDefault(m) == 1) return [.. path[path.IndexOf(m)..], m];
                if (state.GetValueOrDefault(m) == 0 && Visit(m) is { } found) return found;
            }
            path.RemoveAt(path.Count - 1);
            state[n] = 2;
            return null;
        }
        foreach (var n in graph.Keys.Order(StringComparer.Ordinal))
        {
            if (state.GetValueOrDefault(n) == 0 && Visit(n) is { } cycle) return cycle;
        }
        return null;
    }

    [GeneratedRegex(@"\b(DllImport|LibraryImport|File\.|Directory\.|FileStream|Process\b|ProcessStartInfo|Socket\b|CliWrap|Environment\.(GetEnvironmentVariable|Exit|TickCount)|Thread\.Sleep|DateTime(Offset)?\.(Now|UtcNow)|Console\.)")]
    private static partial Regex SideEffect();
}
