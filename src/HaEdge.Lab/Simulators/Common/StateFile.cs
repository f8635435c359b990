using System;
using System.IO;
using System.Text;
using System.Threading;

namespace HaEdge.Lab.Simulators.Common;

/// <summary>
/// Shared state files of the simulators (Pve/ and PfSense/). Several processes touch the same files
/// (pve1 and pve2 serve one cluster; the lab's faults write fault files), so every read-modify-write runs under an
/// exclusive lock file and every write is a temp file plus rename: a reader never sees half a file, so reads take no
/// lock (as pveproxy's reads of pmxcfs wait for no writer): many clients at once are not served one after another.
/// </summary>
internal static class StateFile
{
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(15);

    /// <summary>Takes the exclusive lock that guards <paramref name="path"/>; dispose to release.</summary>
    public static IDisposable Lock(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        string lockPath = path + ".lock";
        DateTime deadline = DateTime.UtcNow + LockTimeout;
        while (true)
        {
            try
            {
                // FileShare.None is an flock(LOCK_EX) on Linux: it excludes other processes and other handles here.
                return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(15);
            }
        }
    }

    /// <summary>Replaces the file atomically (write a sibling temp file, then rename over the target).</summary>
    public static void WriteAtomic(string path, string content)
    {
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temp = $"{full}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}";
        File.WriteAllText(temp, content, new UTF8Encoding(false));
        File.Move(temp, full, overwrite: true);
    }

    /// <summary>Secrets (keys, tokens, passwords) readable by their owner only. The lab is Linux-only.</summary>
    public static void RestrictToOwner(string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    /// <summary>The file's text, or null when it does not exist.</summary>
    public static string? ReadOrNull(string path) => File.Exists(path) ? File.ReadAllText(path) : null;
}
