namespace XenHotplug.Core.Render;

/// <summary>One file of rendered configuration: its name in the target directory, its text, and whether only root may read it.</summary>
public sealed record RenderedFile(string Name, string Text, bool Private = false);
