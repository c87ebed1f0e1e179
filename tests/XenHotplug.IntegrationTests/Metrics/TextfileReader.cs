namespace XenHotplug.IntegrationTests.Metrics;

/// <summary>
/// Reads watch's metrics textfile in a loop as fast as it can while the balancer rewrites it, as node_exporter's
/// textfile collector would: every read must be a whole exposition (its first family first, its last family's
/// sample last, ending in a line feed). Counts the reads and the distinct versions seen.
/// </summary>
internal sealed class TextfileReader : IDisposable
{
    private const string First = "# HELP xen_multibridge_healthy ";
    private const string LastSample = "xen_multibridge_balancer_last_pass_timestamp_seconds ";
    private readonly string _path;
    private readonly Thread _thread;
    private readonly HashSet<string> _versions = new(StringComparer.Ordinal);
    private readonly List<string> _torn = [];
    private volatile bool _stop;

    public TextfileReader(string path)
    {
        _path = path;
        _thread = new Thread(Loop) { IsBackground = true };
        _thread.Start();
    }

    public int Reads { get; private set; }

    public string? Latest { get; private set; }

    /// <summary>Reads that were not a whole file (empty when the file is replaced atomically).</summary>
    public IReadOnlyList<string> Torn
    {
        get
        {
            lock (_torn) return [.. _torn];
        }
    }

    public int Versions
    {
        get
        {
            lock (_versions) return _versions.Count;
        }
    }

    private void Loop()
    {
        while (!_stop)
        {
            Thread.Sleep(1); // a read every millisecond or so: many reads per write, without taking a core from the balancer
            string text;
            try
            {
                text = File.ReadAllText(_path);
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                Thread.Sleep(5);
                continue;
            }
            Reads++;
            var lines = text.Split('\n');
            var whole = text.StartsWith(First, StringComparison.Ordinal) && text.EndsWith('\n') && lines.Length >= 2 && lines[^2].StartsWith(LastSample, StringComparison.Ordinal);
            if (!whole)
            {
                lock (_torn) _torn.Add(text);
                continue;
            }
            Latest = text;
            lock (_versions) _versions.Add(text);
        }
    }

    public void Dispose()
    {
        _stop = true;
        _thread.Join();
    }
}
