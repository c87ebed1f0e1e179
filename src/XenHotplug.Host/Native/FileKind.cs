namespace XenHotplug.Host.Native;

/// <summary>What a path is, asked without opening it (a FIFO must never be opened for reading).</summary>
public enum FileKind
{
    Missing,
    Regular,
    Directory,
    Symlink,
    Other,
}
