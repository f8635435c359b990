using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace HaEdge.Core.ConfigSync;

/// <summary>How one run of /etc/rc.filter_synchronize ended, as pfSense recorded it.</summary>
public enum PfSyncOutcomeKind
{
    /// <summary>Nothing recognisable was recorded (the log rotated, another format, or the platform was booting).</summary>
    Unknown,

    /// <summary>filter_reload_status: "XMLRPC sync successfully completed with &lt;url&gt;."</summary>
    Completed,

    /// <summary>Only "Building high availability sync information": no Synchronize Config to IP.</summary>
    NoTarget,

    /// <summary>system.log: "Nothing has been configured to be synched. Skipping....".</summary>
    NothingToSync,

    /// <summary>"The other member is on a different configuration version of pfSense. Sync will not be done ...".</summary>
    VersionMismatch,

    /// <summary>The peer refused the XML-RPC login (fault -1 or -2).</summary>
    AuthenticationFailed,

    /// <summary>The peer could not be reached over XML-RPC (connection refused, timeout, TLS).</summary>
    CommunicationError,

    /// <summary>"... configuration version of the other member could not be determined ..." without a client error to say why.</summary>
    PeerVersionUnknown,

    /// <summary>The version check passed but restore_config_section returned nothing.</summary>
    RestoreFailed,
}

/// <summary>
/// The reason pfSense recorded for one run of /etc/rc.filter_synchronize, which prints nothing and exits 0 on
/// every path (pfSense CE 2.7.0-2.8: src/etc/rc.filter_synchronize, src/etc/inc/xmlrpc_client.inc). Read from the
/// lines that run added to /var/log/system.log (log_error(): "&lt;script&gt;: &lt;message&gt;") and to
/// /var/run/filter_reload_status (update_filter_reload_status()).
/// </summary>
public sealed class PfSyncOutcome
{
    private const string Building = "Building high availability sync information";
    private const string Signaling = "Signaling CARP reload signal...";

    private static readonly Regex Completed = new Regex(@"XMLRPC sync successfully completed with (?<url>\S+?)\.?$", RegexOptions.CultureInvariant);
    private static readonly Regex VersionCheck = new Regex(@"XMLRPC versioncheck: (?<peer>\S*) -- (?<own>\S*)", RegexOptions.CultureInvariant);
    private static readonly Regex Fault = new Regex(@"Exception calling XMLRPC method (?<method>\S+) #(?<code>-?\d+) : ", RegexOptions.CultureInvariant);

    private static readonly string[] CommunicationErrors =
    {
        "A communications error occurred while attempting", "CurlException calling XMLRPC method", "Exception calling XMLRPC method ",
    };

    private PfSyncOutcome(PfSyncOutcomeKind kind, string? message, string? peerConfigVersion, string? ownConfigVersion, string? url)
    {
        Kind = kind;
        Message = message;
        PeerConfigVersion = peerConfigVersion;
        OwnConfigVersion = ownConfigVersion;
        Url = url;
    }

    public PfSyncOutcomeKind Kind { get; }

    /// <summary>pfSense's own words for the reason (the log message without its syslog prefix), or null.</summary>
    public string? Message { get; }

    /// <summary>The peer's config_version from "XMLRPC versioncheck: &lt;peer&gt; -- &lt;own&gt;" (empty when it did not answer).</summary>
    public string? PeerConfigVersion { get; }

    public string? OwnConfigVersion { get; }

    /// <summary>The XML-RPC URL of a completed sync.</summary>
    public string? Url { get; }

    /// <summary>
    /// The outcome of the run that added <paramref name="systemLog"/> to /var/log/system.log and
    /// <paramref name="reloadStatus"/> to /var/run/filter_reload_status.
    /// </summary>
    internal static PfSyncOutcome Read(IReadOnlyList<string> systemLog, IReadOnlyList<string> reloadStatus)
    {
        if (systemLog == null) throw new ArgumentNullException(nameof(systemLog));
        if (reloadStatus == null) throw new ArgumentNullException(nameof(reloadStatus));

        // The status file is appended to by every run: the last run starts at its last "Building" line.
        var start = LastIndex(reloadStatus, Building);
        var status = reloadStatus.Skip(Math.Max(start, 0)).Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        var log = systemLog.Select(LogMessage).ToList();
        var version = log.Select(l => VersionCheck.Match(l)).LastOrDefault(m => m.Success);
        string? Peer() => version?.Groups["peer"].Value;
        string? Own() => version?.Groups["own"].Value;

        var completed = status.Select(l => Completed.Match(l)).LastOrDefault(m => m.Success);
        if (completed != null)
            return new PfSyncOutcome(PfSyncOutcomeKind.Completed, completed.Value, Peer(), Own(), completed.Groups["url"].Value);

        var nothing = log.LastOrDefault(l => l.Contains("Nothing has been configured to be synched"));
        if (nothing != null) return new PfSyncOutcome(PfSyncOutcomeKind.NothingToSync, nothing, null, null, null);

        var mismatch = log.Concat(status).LastOrDefault(l => l.Contains("on a different configuration version"));
        if (mismatch != null) return new PfSyncOutcome(PfSyncOutcomeKind.VersionMismatch, mismatch, Peer(), Own(), null);

        var undetermined = log.Concat(status).LastOrDefault(l => l.Contains("of the other member could not be determined"));
        if (undetermined != null) return ClientError(log, PfSyncOutcomeKind.PeerVersionUnknown, undetermined, Peer(), Own());

        if (status.Contains(Signaling)) return ClientError(log, PfSyncOutcomeKind.RestoreFailed, null, Peer(), Own());

        // A run still retrying (or cut short) has logged only its client's errors so far.
        var pending = ClientError(log, PfSyncOutcomeKind.Unknown, null, Peer(), Own());
        if (pending.Kind != PfSyncOutcomeKind.Unknown) return pending;

        // A run that stopped at the empty sync target logs nothing (its comment calls that log spam).
        return status.Count > 0 && status.All(l => l == Building) && !log.Any(l => l.Contains("XMLRPC"))
            ? new PfSyncOutcome(PfSyncOutcomeKind.NoTarget, Building, null, null, null)
            : new PfSyncOutcome(PfSyncOutcomeKind.Unknown, null, Peer(), Own(), null);
    }

    public override string ToString() => Message == null ? Kind.ToString() : $"{Kind}: {Message}";

    // xmlrpc_client.inc logs its error on each attempt ("Retrying XMLRPC Request due to error: ...") and once more
    // after the last; the last one says why the peer did not answer.
    private static PfSyncOutcome ClientError(List<string> log, PfSyncOutcomeKind otherwise, string? message, string? peer, string? own)
    {
        const string retrying = "Retrying XMLRPC Request due to error: ";
        // file_notice() logs each notice again as "New alert found: <notice>".
        var error = log.Where(l => !l.StartsWith("New alert found: ", StringComparison.Ordinal))
            .Select(l => l.StartsWith(retrying, StringComparison.Ordinal) ? l.Substring(retrying.Length) : l)
            .LastOrDefault(l => l.Contains("An authentication failure occurred") || CommunicationErrors.Any(l.Contains));
        if (error == null) return new PfSyncOutcome(otherwise, message, peer, own, null);

        var fault = Fault.Match(error);
        var authentication = error.Contains("An authentication failure occurred")
            || (fault.Success && (fault.Groups["code"].Value == "-1" || fault.Groups["code"].Value == "-2"));
        if (authentication) return new PfSyncOutcome(PfSyncOutcomeKind.AuthenticationFailed, error, peer, own, null);
        // Any other XML-RPC fault is the peer refusing the call, not a transport problem.
        return fault.Success
            ? new PfSyncOutcome(otherwise, error, peer, own, null)
            : new PfSyncOutcome(PfSyncOutcomeKind.CommunicationError, error, peer, own, null);
    }

    // A syslog line "Mmm dd hh:mm:ss host prog[pid]: /etc/rc.filter_synchronize: text" is reduced to text; a line
    // without the script prefix (pfSense master's "WARNING [High Availability] text") is kept whole.
    private static string LogMessage(string line)
    {
        var text = line.TrimEnd();
        foreach (var script in new[] { "rc.filter_synchronize: ", "xmlrpc_client.inc: " })
        {
            var at = text.IndexOf(script, StringComparison.Ordinal);
            if (at >= 0) return text.Substring(at + script.Length);
        }
        return text;
    }

    private static int LastIndex(IReadOnlyList<string> lines, string text)
    {
        for (var i = lines.Count - 1; i >= 0; i--)
        {
            if (lines[i].Trim() == text) return i;
        }
        return -1;
    }
}
