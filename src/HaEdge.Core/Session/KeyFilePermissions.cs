using System;
using System.IO;
using System.Reflection;

namespace HaEdge.Core.Session;

/// <summary>Whether an SSH key file is readable by users other than its owner, as OpenSSH refuses such keys.</summary>
internal static class KeyFilePermissions
{
    // File.GetUnixFileMode exists from .NET 7, which PowerShell 7 runs on; netstandard2.0 cannot name it. On Windows
    // (and Windows PowerShell 5.1) it is absent or throws, and ACLs are another matter: nothing is said there.
    private static readonly MethodInfo? GetUnixFileMode = typeof(File).GetMethod("GetUnixFileMode", new[] { typeof(string) });

    /// <summary>True when the file exists and its group or others may read or write it (mode &amp; 077).</summary>
    public static bool OpenToOthers(string path)
    {
        if (GetUnixFileMode == null || !File.Exists(path)) return false;
        try
        {
            return (Convert.ToInt32(GetUnixFileMode.Invoke(null, new object[] { path }), System.Globalization.CultureInfo.InvariantCulture) & 0x3F) != 0;
        }
        catch (TargetInvocationException)
        {
            return false;
        }
    }
}
