using System.Text.Json;
using XenHotplug.Core.Bridges;

namespace XenHotplug.Host.RunState;

/// <summary>network.uplinks in the run directory: what each started bridge's NIC looked like before start.</summary>
public sealed class UplinkRecords(string runDirectory)
{
    public string FilePath { get; } = Path.Combine(runDirectory, "network.uplinks");

    public List<UplinkRecord> Read()
    {
        try
        {
            return File.Exists(FilePath) ? JsonSerializer.Deserialize(File.ReadAllText(FilePath), UplinkJsonContext.Default.ListUplinkRecord) ?? [] : [];
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
