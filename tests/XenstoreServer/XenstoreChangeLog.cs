namespace XenHotplug.XenstoreServer;

/// <summary>For every path ever changed in the live tree, the generation of its last change (transaction conflict check).</summary>
internal sealed class XenstoreChangeLog
{
    private readonly Dictionary<string, long> _lastChange = new(StringComparer.Ordinal);

    public long Generation { get; private set; }

    public void Record(IEnumerable<string> paths)
    {
        Generation++;
        foreach (var path in paths)
        {
            _lastChange[path] = Generation;
        }
    }

    public bool ChangedSince(IEnumerable<string> paths, long generation) =>
        paths.Any(path => _lastChange.TryGetValue(path, out long changed) && changed > generation);
}
