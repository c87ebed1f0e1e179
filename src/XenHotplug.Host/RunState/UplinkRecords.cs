using System.Text.Json;
using XenHotplug.Core.Bridges;

namespace XenHotplug.Host.RunState;

/// <summary>network.uplinks in the run directory: what each started bridge's NIC looked like before start.</summary>
public sealed class UplinkRecords(string runDirectory)
{
    public string FilePath { get; } = Path.Combine(runDirectory, "network.uplinks");

    /// <summary>The records; none when the file is missing, damaged or not a regular file (<paramref name="warn"/> says which).</summary>
    public List<UplinkRecord> Read(Action<string>? warn = null)
    {
        var text = StateFile.Read(FilePath, out var problem);
        if (problem is not null) warn?.Invoke(problem + "; the NICs' original MTU and MAC are not known");
        if (text is null) return [];
        try
        {
            return JsonSerializer.Deserialize(text, UplinkJsonContext.Default.ListUplinkRecord) ?? [];
        }
        catch (JsonException)
        {
            return []; // only MTU/MAC restoration is lost
        }
    }

    public UplinkRecord? Find(string bridge) => Read().Find(r => r.Bridge == bridge);

    public void Set(UplinkRecord record) => Write([.. Read().Where(r => r.Bridge != record.Bridge), record]);

    public void Remove(string bridge)
    {
        var records = Read();
        if (records.RemoveAll(r => r.Bridge == bridge) > 0) Write(records);
    }

    private void Write(List<UplinkRecord> records)
    {
        if (records.Count == 0)
        {
            File.Delete(FilePath);
            return;
        }
        AtomicFile.Write(FilePath, stream => JsonSerializer.Serialize(stream, records, UplinkJsonContext.Default.ListUplinkRecord));
    }
}
