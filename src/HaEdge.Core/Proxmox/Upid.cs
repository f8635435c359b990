using System;
using System.Globalization;
using System.Text.RegularExpressions;

namespace HaEdge.Core.Proxmox;

/// <summary>
/// A PVE task id: <c>UPID:node:pid:pstart:starttime:type:id:user:</c> with pid/pstart/starttime in hex
/// (pve-common Tools.pm upid_encode). The node in field 2 is where the task's status lives.
/// </summary>
internal sealed record Upid
{
    private static readonly Regex Format = new Regex(
        @"\AUPID:(?<node>[a-zA-Z0-9](?:[a-zA-Z0-9\-]*[a-zA-Z0-9])?):(?<pid>[0-9A-Fa-f]{8}):(?<pstart>[0-9A-Fa-f]{8,9}):(?<start>[0-9A-Fa-f]{8}):(?<type>[^:\s]+):(?<id>[^:\s]*):(?<user>[^:\s]+):\z",
        RegexOptions.CultureInvariant);

    private Upid(string text, string node, int processId, long processStart, DateTimeOffset startTime, string type, string id, string user)
    {
        Text = text;
        Node = node;
        ProcessId = processId;
        ProcessStart = processStart;
        StartTime = startTime;
        Type = type;
        Id = id;
        User = user;
    }

    /// <summary>The UPID exactly as PVE wrote it.</summary>
    public string Text { get; }

    public string Node { get; }

    public int ProcessId { get; }

    public long ProcessStart { get; }

    public DateTimeOffset StartTime { get; }

    /// <summary>Task type: qmstart, qmstop, qmshutdown, hastart, hastop, ...</summary>
    public string Type { get; }

    /// <summary>What the task works on, usually the VM id; may be empty.</summary>
    public string Id { get; }

    /// <summary>USER@REALM, with !TOKENID for token-started tasks.</summary>
    public string User { get; }

    public override string ToString() => Text;

    public static bool TryParse(string? text, out Upid? upid)
    {
        upid = null;
        var match = text == null ? null : Format.Match(text.Trim());
        if (match == null || !match.Success) return false;
        upid = new Upid(text!.Trim(), match.Groups["node"].Value,
            int.Parse(match.Groups["pid"].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture),
            long.Parse(match.Groups["pstart"].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture),
            DateTimeOffset.FromUnixTimeSeconds(long.Parse(match.Groups["start"].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture)),
            match.Groups["type"].Value, match.Groups["id"].Value, match.Groups["user"].Value);
        return true;
    }

    /// <summary>Throws <see cref="HaEdgeException"/> <c>ProxmoxInvalidUpid</c> when the text is not a UPID.</summary>
    public static Upid Parse(string text) =>
        TryParse(text, out var upid)
            ? upid!
            : throw new HaEdgeException("ProxmoxInvalidUpid", FailureKind.InvalidData, $"'{text}' is not a Proxmox task id (UPID).");
}
