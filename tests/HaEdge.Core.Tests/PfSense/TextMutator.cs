using System.Text;

namespace HaEdge.Core.Tests.PfSense;

/// <summary>Deterministic damage to sample text: truncation, flipped characters, line deletion/duplication/swap,
/// random tokens and whitespace changes, one to three at a time.</summary>
internal sealed class TextMutator
{
    private static readonly string[] Tokens =
    {
        "carp:", "vrrp:", "vhid", "advskew", "peer", "inet", "inet6", "netmask", "prefixlen", "MASTER", "BACKUP", "INIT",
        "syncdev:", "syncok:", "maxupd:", "defer:", "version:", "Status:", "State Table", "current entries", "Hostid:",
        "net.inet.carp.allow:", "Name", "Status", "Substatus", "ms", "%", "/s", "0x", "0xffffffff", "-1", "0", "255",
        "99999999999999999999", "1e309", "NaN", "{", "}", "[", "]", "\"", ":", "|", ",", "\\ud800", "\t", "\n", "\r", "\0",
        "é", "١٢", "pfsync0: flags=0<> mtu 1500", "em0: flags=8843<UP> metric 0 mtu 1500",
    };

    private readonly Random random;

    public TextMutator(int seed) => random = new Random(seed);

    public string Mutate(string text)
    {
        var rounds = 1 + random.Next(3);
        for (var i = 0; i < rounds; i++) text = MutateOnce(text);
        return text;
    }

    private string MutateOnce(string text)
    {
        var lines = text.Split('\n').ToList();
        switch (random.Next(9))
        {
            case 0:
                return text.Substring(0, random.Next(text.Length + 1));
            case 1:
                return ReplaceAt(text, (char)random.Next(256));
            case 2:
                return ReplaceAt(text, (char)('0' + random.Next(10)));
            case 3:
                if (lines.Count > 0) lines.RemoveAt(random.Next(lines.Count));
                return string.Join("\n", lines);
            case 4:
                var copy = random.Next(lines.Count);
                lines.Insert(random.Next(lines.Count + 1), lines[copy]);
                return string.Join("\n", lines);
            case 5:
                var (a, b) = (random.Next(lines.Count), random.Next(lines.Count));
                (lines[a], lines[b]) = (lines[b], lines[a]);
                return string.Join("\n", lines);
            case 6:
                return text.Insert(random.Next(text.Length + 1), (random.Next(2) == 0 ? " " : "") + Tokens[random.Next(Tokens.Length)] + " ");
            case 7:
                var words = text.Split(' ');
                if (words.Length > 1) words[random.Next(words.Length)] = Tokens[random.Next(Tokens.Length)];
                return string.Join(" ", words);
            default:
                return ChangeWhitespace(text);
        }
    }

    private string ReplaceAt(string text, char c)
    {
        if (text.Length == 0) return c.ToString();
        var builder = new StringBuilder(text);
        builder[random.Next(text.Length)] = c;
        return builder.ToString();
    }

    private string ChangeWhitespace(string text)
    {
        switch (random.Next(4))
        {
            case 0: return text.Replace('\t', ' ');
            case 1: return text.Replace("        ", "\t", StringComparison.Ordinal);
            case 2: return text.Replace("\n", "\r\n", StringComparison.Ordinal);
            default: return string.Join("\n", text.Split('\n').Select(l => random.Next(3) == 0 ? l.Trim() : l));
        }
    }
}
