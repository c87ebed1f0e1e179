using System.Text.Json;
using XenHotplug.Core.Bridges;
using XenHotplug.Core.Failures;

namespace XenHotplug.Host.RunState;

/// <summary>
/// The network journal in the run directory (network.journal): written, and flushed to disk, before every
/// change, removed when the run ends well. A journal found at start means the previous run died mid-way:
/// its entries are rolled back before anything else is done.
/// </summary>
public sealed class Journal(string runDirectory)
{
    public string FilePath { get; } = Path.Combine(runDirectory, "network.journal");

    public JournalRecord? Read()
    {
        var text = StateFile.Read(FilePath, out var problem);
        if (problem is not null) throw new BridgeException($"the journal {problem}; restore the network by hand if a run died mid-way");
        if (text is null) return null;
        try
        {
            return JsonSerializer.Deserialize(text, JournalJsonContext.Default.JournalRecord);
        }
        catch (JsonException e)
        {
            throw new BridgeException($"the journal {FilePath} is damaged ({e.Message}); restore the network by hand and remove it", e);
        }
    }

    public void Write(JournalRecord record)
    {
        AtomicFile.Write(FilePath, stream => JsonSerializer.Serialize(stream, record, JournalJsonContext.Default.JournalRecord));
    }

    public void Clear()
    {
        File.Delete(FilePath);
    }

    public static string Serialize(JournalRecord record) => JsonSerializer.Serialize(record, JournalJsonContext.Default.JournalRecord);

    public static JournalRecord? Deserialize(string json) => JsonSerializer.Deserialize(json, JournalJsonContext.Default.JournalRecord);
}
