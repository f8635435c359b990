using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using HaEdge.Core.Session;

namespace HaEdge.Core.PfSense;

/// <summary>
/// How commands travel in one SSH exec (docs/design/contract.md section 2). A begin marker goes first, on stdout
/// and on stderr: whatever the login shell prints before it (pfSense CE 2.7.x's rc.initial prints its rc.local
/// banner as admin) is not the commands' answer. In a batch each command is followed by an exit marker carrying
/// its status, again on both streams, so one round trip answers them all and each command's output, error text
/// and status are cut out again apart: one failing command costs only its own answer.
/// </summary>
internal static class CommandBatch
{
    internal const string Begin = "@@haedge-begin";
    internal const string Exit = "@@haedge-exit";

    /// <summary>The begin marker on both streams; its leading newline ends a preamble that lacks one.</summary>
    internal const string Prefix = "printf '\\n" + Begin + "\\n'; printf '\\n" + Begin + "\\n' >&2; ";

    /// <summary>The shell function that writes a command's exit marker on both streams.</summary>
    internal const string MarkFunction = "haedge_end() { printf '\\n" + Exit + " %d\\n' $1; printf '\\n" + Exit + " %d\\n' $1 >&2; }; ";

    /// <summary>What follows each command of a batch: its status, as the argument of the marker function.</summary>
    internal const string Mark = "; haedge_end $?";

    /// <summary>
    /// What each stream of a batch passes through: dd with an output block larger than ibs collects its input and
    /// writes it when the block is full or the input ends (POSIX dd; FreeBSD's and GNU's alike), so a batch's answer
    /// crosses SSH in one piece per stream rather than one per command and marker: each piece costs the reader a
    /// packet to decrypt and a thread to wake, which a watch pays every second.
    /// </summary>
    internal const string Gather = "dd obs=1048576";

    /// <summary>What a batch runs inside: stdout through one <see cref="Gather"/>, stderr through another (fd 3 carries stdout past the stderr pipe).</summary>
    internal const string GatherOpen = "{ { ";

    /// <inheritdoc cref="GatherOpen"/>
    internal const string GatherClose = "; } 2>&1 1>&3 3>&- | " + Gather + " >&2 2>/dev/null 3>&-; } 3>&1 | " + Gather + " 2>/dev/null";

    /// <summary>The commands joined for the login shell (sh: root's /bin/sh, admin's rc.initial -> /bin/sh -c).</summary>
    public static string Join(IReadOnlyList<string> commands) =>
        GatherOpen + Prefix + MarkFunction + string.Join("; ", commands.Select(c => c + Mark)) + GatherClose;

    /// <summary>One command behind the begin marker; its exit status stays the exec's.</summary>
    public static string Single(string command) => Prefix + command;

    /// <summary>The answer to <see cref="Single"/>: what came before the begin marker dropped from both streams.</summary>
    public static SshCommandResult Unwrap(string command, SshCommandResult result) =>
        new SshCommandResult(command, result.ExitStatus, After(result.Output), After(result.Error), result.Elapsed);

    /// <summary>
    /// Each command's own answer, in order. A missing begin marker (a login shell that is not sh) or an answer
    /// that ends before every command finished is an error; a command that failed is an answer like any other.
    /// </summary>
    public static IReadOnlyList<CommandOutput> Split(string firewall, IReadOnlyList<string> commands, string output, string error)
    {
        var (outBegun, outSections, _) = Cut(output);
        var (errBegun, errSections, errRest) = Cut(error);
        if (!outBegun)
        {
            var said = UntrustedText.ForMessage(error);
            if (output.Trim().Length == 0 && said.Length == 0)
            {
                throw new HaEdgeException("PfSenseOutputTruncated", FailureKind.InvalidData,
                    $"{firewall}: the answer was empty: the session ended before '{commands[0]}' began.", firewall);
            }

            // tcsh, which pfSense gives every user but root and admin, refuses the sh syntax of the batch.
            throw new HaEdgeException("PfSenseShellUnsupported", FailureKind.InvalidOperation,
                $"{firewall}: the login shell did not run the commands as sh does, so its answer has no begin marker"
                + (said.Length > 0 ? $" ({said})" : "") + ". Connect as admin (its shell, /etc/rc.initial, runs commands with /bin/sh) "
                + "or root (/bin/sh); pfSense gives every other user tcsh.", firewall);
        }

        if (outSections.Count < commands.Count)
        {
            // What the command that did not finish said, as far as it came.
            var said = UntrustedText.ForMessage(errBegun ? string.Concat(errSections.Skip(outSections.Count).Select(s => s.Text)) + errRest : error);
            throw new HaEdgeException("PfSenseOutputTruncated", FailureKind.InvalidData,
                string.Format(CultureInfo.InvariantCulture, "{0}: the answer ended after {1} of {2} commands ('{3}' did not finish){4}.",
                    firewall, outSections.Count, commands.Count, commands[outSections.Count], said.Length > 0 ? ": " + said : ""), firewall);
        }

        return commands.Select((command, i) => new CommandOutput(firewall, command, outSections[i].Status, outSections[i].Text,
            // Without markers on stderr (never from sh) its whole text goes with every command that failed.
            errBegun ? (i < errSections.Count ? errSections[i].Text : "") : (outSections[i].Status != 0 ? error : ""))).ToList();
    }

    /// <summary>
    /// A stream cut at its markers: whether the begin marker came, each section after it with the status of the
    /// exit marker that ends it, and what follows the last marker. The newline printed before each marker is not
    /// part of the section before it.
    /// </summary>
    private static (bool Begun, List<(string Text, int Status)> Sections, string Tail) Cut(string stream)
    {
        var text = stream.Replace("\r\n", "\n");
        var sections = new List<(string Text, int Status)>();
        var begin = text.IndexOf("\n" + Begin + "\n", StringComparison.Ordinal);
        if (begin < 0) return (false, sections, text);
        var position = begin + Begin.Length + 2;
        while (true)
        {
            var marker = LineStarting(text, position, Exit + " ");
            if (marker < 0) return (true, sections, position < text.Length ? text.Substring(position) : "");
            var end = text.IndexOf('\n', marker);
            if (end < 0) end = text.Length;
            var status = int.TryParse(text.Substring(marker + Exit.Length + 1, end - marker - Exit.Length - 1).Trim(), NumberStyles.AllowLeadingSign,
                CultureInfo.InvariantCulture, out var value) ? value : -1;
            sections.Add((text.Substring(position, Math.Max(0, marker - 1 - position)), status));
            position = end + 1;
        }
    }

    /// <summary>Where the first line at or after <paramref name="from"/> (a line start) that begins with <paramref name="prefix"/> starts.</summary>
    private static int LineStarting(string text, int from, string prefix)
    {
        if (from > text.Length) return -1;
        if (string.CompareOrdinal(text, from, prefix, 0, prefix.Length) == 0) return from;
        var found = text.IndexOf("\n" + prefix, from, StringComparison.Ordinal);
        return found < 0 ? -1 : found + 1;
    }

    /// <summary>The text after the begin marker's line; all of it when the marker is missing.</summary>
    private static string After(string stream)
    {
        var begin = stream.IndexOf("\n" + Begin + "\n", StringComparison.Ordinal);
        return begin < 0 ? stream : stream.Substring(begin + Begin.Length + 2);
    }
}

/// <summary>What one command of a batch answered: its status, its output and its own error text.</summary>
internal sealed class CommandOutput
{
    public CommandOutput(string firewall, string command, int status, string output, string error)
    {
        Firewall = firewall;
        Command = command;
        Status = status;
        Output = output;
        Error = error;
    }

    public string Firewall { get; }

    public string Command { get; }

    public int Status { get; }

    public string Output { get; }

    public string Error { get; }

    public bool Succeeded => Status == 0;

    /// <summary>Why the command failed, naming the firewall, the command, its status and what it said; null when it succeeded.</summary>
    public HaEdgeException? Failure => Succeeded ? null : new HaEdgeException("PfSenseCommandFailed", FailureKind.InvalidOperation,
        string.Format(CultureInfo.InvariantCulture, "{0}: '{1}' exited with status {2}{3}", Firewall, Command, Status, Said()), Firewall);

    /// <summary>
    /// What <paramref name="parser"/> read from the output. Each line it skipped is a warning naming the firewall,
    /// the command and the line; a failed command or an output it cannot read throws, naming the firewall.
    /// </summary>
    public T Parse<T>(Func<string, Parsed<T>> parser, IOperationReporter reporter)
    {
        if (!Succeeded) throw Failure!;
        Parsed<T> parsed;
        try
        {
            parsed = parser(Output);
        }
        catch (HaEdgeException e) when (e.Target == null)
        {
            // The parsers do not know which firewall printed the text, nor what it said on stderr.
            var said = UntrustedText.ForMessage(Error);
            throw new HaEdgeException(e.ErrorId, e.Kind, $"{Firewall}: {e.Message}{(said.Length > 0 ? $" It said: {said}" : "")}", Firewall, e);
        }

        foreach (var line in parsed.Skipped)
        {
            reporter.Warning($"{Firewall}: '{Command}' printed a line HaEdge does not read; skipped it and read the rest: {line}.");
        }

        return parsed.Value;
    }

    /// <summary>As <see cref="Parse{T}"/>, with a failure returned instead of thrown: one reading among others.</summary>
    public Reading<T> TryParse<T>(Func<string, Parsed<T>> parser, IOperationReporter reporter)
    {
        try
        {
            return Reading<T>.Of(Parse(parser, reporter));
        }
        catch (HaEdgeException e)
        {
            return Reading<T>.Failed(e);
        }
    }

    private string Said()
    {
        var said = UntrustedText.ForMessage(Error);
        return said.Length > 0 ? ": " + said : "";
    }
}

/// <summary>One reading of one firewall: its value, or why it could not be made.</summary>
internal sealed class Reading<T>
{
    private Reading(T? value, HaEdgeException? failure)
    {
        Value = value;
        Failure = failure;
    }

    public T? Value { get; }

    /// <summary>Null when <see cref="Value"/> holds the reading.</summary>
    public HaEdgeException? Failure { get; }

    public bool Succeeded => Failure == null;

    public static Reading<T> Of(T value) => new Reading<T>(value, null);

    public static Reading<T> Failed(HaEdgeException failure) => new Reading<T>(default, failure);
}
