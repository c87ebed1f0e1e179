using XenHotplug.Core.Bridges;
using XenHotplug.Core.Failures;
using XenHotplug.Host.RunState;
using XenHotplug.Tests.Support;

namespace XenHotplug.Tests.RunState;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class JournalTests
{
    [Fact]
    public void Round_trip_keeps_every_field()
    {
        var state = NetworkFixtures.Unbridged();
        var record = new JournalRecord("start", 42, DateTimeOffset.UnixEpoch, [new JournalEntry("xenbr0", BridgePlanner.Affected(state, NetworkFixtures.Xenbr0))]);
        var json = Journal.Serialize(record);
        var back = Journal.Deserialize(json)!;
        Assert.Equal(json, Journal.Serialize(back));
        Assert.Equal(record.Entries[0].Before[0].Addresses, back.Entries[0].Before[0].Addresses);
        Assert.Equal(record.Entries[0].Before[0].Routes, back.Entries[0].Before[0].Routes);
        Assert.Contains("\"label_suffix\": \":1\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void File_write_read_clear()
    {
        var dir = Directory.CreateTempSubdirectory("xhp-journal-").FullName;
        try
        {
            var journal = new Journal(Path.Combine(dir, "run"));
            Assert.Null(journal.Read());
            var record = new JournalRecord("stop", 1, DateTimeOffset.UnixEpoch, [new JournalEntry("xenbr0", NetworkFixtures.Unbridged().Links)]);
            journal.Write(record);
            Assert.Equal(Journal.Serialize(record), Journal.Serialize(journal.Read()!));
            journal.Clear();
            Assert.Null(journal.Read());
            File.WriteAllText(journal.FilePath, "{ not json");
            Assert.Throws<BridgeException>(journal.Read);

            var uplinks = new UplinkRecords(Path.Combine(dir, "run"));
            uplinks.Set(new UplinkRecord("xenbr0", "eth0", 1500, "aa:bb:cc:dd:ee:ff"));
            uplinks.Set(new UplinkRecord("xenbr1", "eth1", 9000, null));
            Assert.Equal(9000, uplinks.Find("xenbr1")!.Mtu);
            uplinks.Remove("xenbr1");
            Assert.Null(uplinks.Find("xenbr1"));
            Assert.NotNull(uplinks.Find("xenbr0"));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
