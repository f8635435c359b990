using System;
using System.IO;
using System.Text;

namespace HaEdge.Core.Watch;

/// <summary>Writes the metrics so a reader sees the old file or the new one, never half of one.</summary>
internal static class MetricsFile
{
    /// <summary>Writes <paramref name="text"/> to <paramref name="path"/>; returns the full path written.</summary>
    public static string Write(string path, string text)
    {
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        // A dot file beside the target: same file system (so the rename is atomic) and not *.prom (so never collected).
        var temporary = Path.Combine(directory, "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N") + ".tmp");
        try
        {
            File.WriteAllText(temporary, text, new UTF8Encoding(false));
            if (File.Exists(full)) File.Replace(temporary, full, null);
            else File.Move(temporary, full);
            return full;
        }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
        {
            if (File.Exists(temporary)) File.Delete(temporary);
            var kind = e is UnauthorizedAccessException ? FailureKind.PermissionDenied : e is DirectoryNotFoundException ? FailureKind.ObjectNotFound : FailureKind.InvalidOperation;
            throw new HaEdgeException("MetricsFileNotWritten", kind, $"Cannot write the metrics to {full}: {e.Message}", full);
        }
    }
}
