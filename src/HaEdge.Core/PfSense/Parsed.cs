using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace HaEdge.Core.PfSense;

/// <summary>
/// A line of command output a parser left out of its reading: a line no such output has (a login shell's banner, a
/// pasted prompt) or one it could not read (cut short or mangled by a paste). One such line never costs the rest.
/// </summary>
internal sealed class SkippedLine
{
    private const int Shown = 120;

    public SkippedLine(int number, string text, string reason)
    {
        Number = number;
        Text = text;
        Reason = reason;
    }

    /// <summary>The line's number in the command's output, from 1.</summary>
    public int Number { get; }

    /// <summary>The line as printed (for JSON output, the entry that was left out).</summary>
    public string Text { get; }

    /// <summary>Why it was left out.</summary>
    public string Reason { get; }

    public override string ToString()
    {
        var text = UntrustedText.ForMessage(Text);
        if (text.Length > Shown) text = text.Substring(0, Shown) + "...";
        return string.Format(CultureInfo.InvariantCulture, "line {0} '{1}' ({2})", Number, text, Reason);
    }
}

/// <summary>What a parser read, and the lines it skipped to read it.</summary>
internal sealed class Parsed<T>
{
    public Parsed(T value, IReadOnlyList<SkippedLine> skipped)
    {
        Value = value;
        Skipped = skipped;
    }

    public T Value { get; }

    public IReadOnlyList<SkippedLine> Skipped { get; }
}

/// <summary>
/// One parse's record of the lines it skipped. A reading that cannot be made after all names them too: a line
/// skipped on the way is the likely reason something is missing.
/// </summary>
internal sealed class SkipLog
{
    private readonly string kind;
    private readonly List<SkippedLine> skipped = new List<SkippedLine>();

    internal SkipLog(string kind)
    {
        this.kind = kind;
    }

    internal int Count => skipped.Count;

    internal void Skip(int number, string text, string reason) => skipped.Add(new SkippedLine(number, text, reason));

    /// <summary>Skips the line for the reason an <see cref="ParseText.Unparsable"/> error of this kind gave.</summary>
    internal void Skip(int number, string text, HaEdgeException error) => Skip(number, text, ParseText.Detail(kind, error));

    internal Parsed<T> Result<T>(T value) => new Parsed<T>(value, skipped.ToList());

    /// <summary>The kind's unparsable error for <paramref name="what"/>, naming the lines skipped before it.</summary>
    internal HaEdgeException Fail(string what) => ParseText.Unparsable(kind,
        skipped.Count == 0 ? what : what + "; skipped: " + string.Join("; ", skipped.Take(3)) + (skipped.Count > 3 ? $"; and {skipped.Count - 3} more" : ""));
}
