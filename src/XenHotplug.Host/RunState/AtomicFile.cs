using System.Text;

namespace XenHotplug.Host.RunState;

/// <summary>
/// Replaces a file whole or not at all: written to a temporary file, flushed to disk (unless
/// <c>flushToDisk</c> is false: a note that means nothing after a reboot), then renamed over it. The temporary
/// file is created afresh (O_EXCL, after removing whatever had its name): a FIFO or link planted there is never
/// opened, so a write never blocks.
/// </summary>
public static class AtomicFile
{
    public static void Write(string path, Action<Stream> write, bool flushToDisk = true)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + ".tmp";
        File.Delete(temp); // unlinks a FIFO or link in the way without opening it
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk);
            }
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    public static void WriteText(string path, string text, bool flushToDisk = true) => Write(path, s => s.Write(Encoding.UTF8.GetBytes(text)), flushToDisk);
}
