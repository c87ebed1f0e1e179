using System.Reflection;

namespace XenHotplug.Core.CommandLine;

/// <summary>What both executables print for --version.</summary>
public static class ProgramInfo
{
    /// <summary>"0.1.0" from the assembly version.</summary>
    public static string Version(Assembly assembly)
    {
        var v = assembly.GetName().Version;
        return v is null ? "0.0.0" : $"{v.Major}.{v.Minor}.{v.Build}";
    }

    /// <summary>GNU style: "NAME VERSION", then copyright and licence lines.</summary>
    public static string VersionText(string program, Assembly assembly) =>
        $"""
        {program} {Version(assembly)}
        Part of XenHotplug: multi-bridge networking for Xen dom0.
        License LGPL-2.1-only: this is free software; you are free to change and redistribute it.
        There is NO WARRANTY, to the extent permitted by law.

        """;
}
