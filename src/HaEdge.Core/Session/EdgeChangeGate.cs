using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using HaEdge.Core.Definition;

namespace HaEdge.Core.Session;

/// <summary>
/// One disruptive change per edge at a time, across runspaces and processes on this machine (two shells, a runbook
/// and a rehearsal): a change holds an exclusive lock file named after the edge's firewalls, by their pinned SSH
/// host keys (else their SSH addresses), so two definitions or sessions of one edge share it while edges on the same
/// addresses behind different tunnels do not. A second change is refused at once, naming the one in progress.
/// </summary>
internal static class EdgeChangeGate
{
    /// <summary>Holds the edge for <paramref name="change"/> until disposed; throws EdgeChangeInProgress when another change holds it.</summary>
    public static IDisposable Enter(EdgeDefinition definition, string change)
    {
        string path = LockPath(definition);
        FileStream held;
        try
        {
            // FileShare.None: an flock(LOCK_EX | LOCK_NB) on Linux and macOS, an exclusive open on Windows; the
            // system drops it when the holding process ends, however it ends.
            held = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            string holder = ReadHolder(path + ".owner");
            throw new HaEdgeException("EdgeChangeInProgress", FailureKind.ResourceUnavailable,
                $"{definition.Name}: another change is in progress on this edge{(holder.Length > 0 ? $" ({holder})" : "")}; "
                + "HaEdge runs one disruptive change per edge at a time. Wait until it has finished.", definition.Name);
        }

        File.WriteAllText(path + ".owner", string.Format(CultureInfo.InvariantCulture, "{0}, process {1}, since {2:HH:mm:ss}",
            change, System.Diagnostics.Process.GetCurrentProcess().Id, DateTime.Now));
        return held;
    }

    private static string LockPath(EdgeDefinition definition)
    {
        string identity = string.Join("\n", definition.Firewalls
            .Select(f => f.Ssh.HostKeySha256 ?? f.Ssh.Host + ":" + f.Ssh.Port.ToString(CultureInfo.InvariantCulture))
            .OrderBy(id => id, StringComparer.Ordinal));
        using var sha = SHA256.Create();
        string key = string.Concat(sha.ComputeHash(Encoding.UTF8.GetBytes(identity)).Take(8).Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
        return Path.Combine(Path.GetTempPath(), "haedge-change-" + key + ".lock");
    }

    private static string ReadHolder(string ownerFile)
    {
        try
        {
            return File.Exists(ownerFile) ? UntrustedText.ForMessage(File.ReadAllText(ownerFile)) : "";
        }
        catch (IOException)
        {
            return "";
        }
    }
}
