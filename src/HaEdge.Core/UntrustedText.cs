using System.Text;

namespace HaEdge.Core;

/// <summary>
/// Text a device or a server chose (a command's output, an HTTP reason phrase or body, an XML-RPC fault string)
/// made fit to quote in a message shown on a terminal: one line, with nothing in it that moves the cursor,
/// clears or recolours the screen, or starts a line of its own that could pass for HaEdge's.
/// </summary>
internal static class UntrustedText
{
    private const char Replacement = '\uFFFD';

    /// <summary>
    /// <paramref name="text"/> on one line: its lines (ended by CR, LF, VT, FF, NEL or a Unicode line or paragraph
    /// separator) trimmed and joined by one space, blank ones left out, a TAB a space; an ANSI control sequence
    /// (ESC [ or the 8-bit CSI, parameters, final byte: colours, cursor moves, screen clears) dropped; every other
    /// C0 or C1 control character, DEL and the bidirectional overrides that make a line read otherwise than it is
    /// shown as U+FFFD. Null gives "".
    /// </summary>
    public static string ForMessage(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var line = new StringBuilder(text!.Length);
        var lineStart = true;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (IsLineBreak(c))
            {
                TrimEnd(line);
                lineStart = true;
                continue;
            }

            if (c == '\t' || (char.IsWhiteSpace(c) && !char.IsControl(c)))
            {
                if (!lineStart) line.Append(c == '\t' ? ' ' : c);
                continue;
            }

            var end = ControlSequenceEnd(text, i);
            if (end > i)
            {
                i = end;
                continue;
            }

            if (lineStart && line.Length > 0) line.Append(' ');
            lineStart = false;
            line.Append(char.IsControl(c) || IsBidiControl(c) ? Replacement : c);
        }

        TrimEnd(line);
        return line.ToString();
    }

    private static bool IsLineBreak(char c) => (c >= '\n' && c <= '\r') || c == '\u0085' || c == '\u2028' || c == '\u2029';

    private static void TrimEnd(StringBuilder line)
    {
        var length = line.Length;
        while (length > 0 && char.IsWhiteSpace(line[length - 1])) length--;
        line.Length = length;
    }

    /// <summary>
    /// Where the control sequence (ECMA-48: ESC [ or the 8-bit CSI, parameter bytes 0x30-0x3F, intermediate bytes
    /// 0x20-0x2F, one final byte 0x40-0x7E) that starts at <paramref name="start"/> ends; <paramref name="start"/>
    /// itself when none does.
    /// </summary>
    private static int ControlSequenceEnd(string text, int start)
    {
        int i;
        if (text[start] == '\u009B') i = start + 1;
        else if (text[start] == '\u001B' && start + 1 < text.Length && text[start + 1] == '[') i = start + 2;
        else return start;

        while (i < text.Length && text[i] >= '\u0030' && text[i] <= '\u003F') i++;
        while (i < text.Length && text[i] >= '\u0020' && text[i] <= '\u002F') i++;
        return i < text.Length && text[i] >= '\u0040' && text[i] <= '\u007E' ? i : start;
    }

    /// <summary>The embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) that make a line read otherwise than it is.</summary>
    private static bool IsBidiControl(char c) => (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069');
}
