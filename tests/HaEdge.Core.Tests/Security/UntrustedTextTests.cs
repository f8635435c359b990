using Xunit;

namespace HaEdge.Core.Tests.Security;

public class UntrustedTextTests
{
    [Theory]
    [InlineData(null, "")]
    [InlineData("", "")]
    [InlineData("sh: ifconfig: not found\n", "sh: ifconfig: not found")]
    [InlineData("  line one\r\n\n\tline two  ", "line one line two")]
    [InlineData("a\u0085b\u2028c\u2029d\vf\fg", "a b c d f g")]
    // Within a line the text stays as it was printed (PHP puts two spaces after "error:"); a TAB is a space.
    [InlineData("PHP Fatal error:  Uncaught Error\tin line 1", "PHP Fatal error:  Uncaught Error in line 1")]
    [InlineData("\u001c\u001f", "\uFFFD\uFFFD")]
    // Colours, cursor moves and a screen clear are dropped whole, in 7-bit and 8-bit form.
    [InlineData("\u001b[1;31mError\u001b[0m: no gateway", "Error: no gateway")]
    [InlineData("ok\u001b[2J\u001b[H\u001b[?25l done", "ok done")]
    [InlineData("ok\u009b2Kdone", "okdone")]
    // Any other control character is shown as U+FFFD: an OSC title, a bell, a backspace, NUL, DEL, a lone ESC.
    [InlineData("\u001b]0;owned\u0007x", "\uFFFD]0;owned\uFFFDx")]
    [InlineData("pass\bword\0\u007f", "pass\uFFFDword\uFFFD\uFFFD")]
    [InlineData("end\u001b", "end\uFFFD")]
    [InlineData("\u001b[31", "\uFFFD[31")]
    // Bidirectional overrides would make the line read otherwise than it is.
    [InlineData("vm:\u202e101", "vm:\uFFFD101")]
    [InlineData("grüße — ünïcödé", "grüße — ünïcödé")]
    public void Text_for_a_message_is_one_line_without_control_characters(string? text, string expected)
    {
        Assert.Equal(expected, UntrustedText.ForMessage(text));
    }
}
