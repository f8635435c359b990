using System;
using System.Globalization;

namespace HaEdge.Core.PfSense;

/// <summary>Small text helpers shared by the pfSense/FreeBSD output parsers.</summary>
internal static class ParseText
{
    internal const string UnparsableErrorId = "PfSenseOutputUnparsable";

    private static readonly char[] Blanks = { ' ', '\t' };

    internal static HaEdgeException Unparsable(string kind, string what) =>
        new HaEdgeException(UnparsableErrorId, FailureKind.InvalidData, $"Cannot read the {kind} output: {UntrustedText.ForMessage(what)}.");

    /// <summary>What an <see cref="Unparsable"/> error of <paramref name="kind"/> says is wrong, without its frame.</summary>
    internal static string Detail(string kind, HaEdgeException error)
    {
        var prefix = $"Cannot read the {kind} output: ";
        var message = error.Message;
        if (message.StartsWith(prefix, StringComparison.Ordinal)) message = message.Substring(prefix.Length);
        return message.EndsWith(".", StringComparison.Ordinal) ? message.Substring(0, message.Length - 1) : message;
    }

    /// <summary>True for the parsers' own errors (which a parser may turn into a skipped line), not others.</summary>
    internal static bool IsUnparsable(HaEdgeException error) => error.ErrorId == UnparsableErrorId;

    internal static void RequireText(string? text, string kind)
    {
        if (text == null || text.Trim().Length == 0) throw Unparsable(kind, "the text is empty");
    }

    /// <summary>Lines without their terminators; output pasted on Windows has CR LF.</summary>
    internal static string[] Lines(string text) => text.Replace("\r\n", "\n").Replace('\r', '\n').Split('\n');

    /// <summary>Words separated by spaces or TABs (samples are published with either).</summary>
    internal static string[] Words(string line) => line.Split(Blanks, StringSplitOptions.RemoveEmptyEntries);

    internal static bool IsIndented(string line) => line.Length > 0 && (line[0] == ' ' || line[0] == '\t');

    internal static bool TryInt(string text, out int value, bool allowSign = false) =>
        int.TryParse(text, allowSign ? NumberStyles.AllowLeadingSign : NumberStyles.None, CultureInfo.InvariantCulture, out value);

    internal static bool TryLong(string text, out long value) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);

    internal static bool TryUInt32Hex(string text, out uint value)
    {
        var digits = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text.Substring(2) : text;
        return uint.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>A plain decimal such as <c>13.707</c>; NaN and infinity are not numbers pfSense prints.</summary>
    internal static bool TryDecimal(string text, out double value) =>
        double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value)
        && !double.IsNaN(value) && !double.IsInfinity(value);

    /// <summary>The integer <paramref name="text"/> within [min, max], or an error naming the field.</summary>
    internal static int IntInRange(string kind, string field, string text, int min, int max)
    {
        if (!TryInt(text, out var value) || value < min || value > max)
            throw Unparsable(kind, $"{field} '{text}' is not a number from {min} to {max}");
        return value;
    }
}
