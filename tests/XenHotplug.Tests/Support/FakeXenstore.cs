using XenHotplug.Host.Xenstore;

namespace XenHotplug.Tests.Support;

/// <summary>An in-memory xenstore (relative paths under /local/domain/0) for the orchestration tests.</summary>
public sealed class FakeXenstore : IXenstore
{
    public Dictionary<string, string> Nodes { get; } = new(StringComparer.Ordinal);

    public static string Absolute(string path) => path.StartsWith('/') ? path : "/local/domain/0/" + path;

    public string? Read(string path, uint transaction = 0) => Nodes.TryGetValue(Absolute(path), out var v) ? v : null;
    public IReadOnlyList<string?> ReadMany(IReadOnlyList<string> paths, uint transaction = 0) => paths.Select(p => Read(p)).ToList();
    public void Write(string path, string value, uint transaction = 0) => Nodes[Absolute(path)] = value;
    public void WriteMany(IReadOnlyList<KeyValuePair<string, string>> values, uint transaction = 0)
    {
        foreach (var (k, v) in values) Write(k, v);
    }
    public void Remove(string path, uint transaction = 0)
    {
        var abs = Absolute(path);
        foreach (var key in Nodes.Keys.Where(k => k == abs || k.StartsWith(abs + "/", StringComparison.Ordinal)).ToList()) Nodes.Remove(key);
    }
    public IReadOnlyList<string> Directory(string path, uint transaction = 0)
    {
        var prefix = Absolute(path) + "/";
        return Nodes.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).Select(k => k[prefix.Length..].Split('/')[0]).Distinct().ToList();
    }
    public void Mkdir(string path, uint transaction = 0) => Nodes.TryAdd(Absolute(path), "");
    public string GetDomainPath(int domainId) => $"/local/domain/{domainId}";
    public uint TransactionStart() => 1;
    public bool TransactionEnd(uint transaction, bool commit) => true;
    public void Watch(string path, string token) { }
    public void Unwatch(string path, string token) { }
    public XenstoreWatchEvent? ReadWatchEvent(TimeSpan timeout) => null;
    public void Dispose() { }
}
