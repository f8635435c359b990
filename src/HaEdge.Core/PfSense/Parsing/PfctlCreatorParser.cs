using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace HaEdge.Core.PfSense.Parsing
{
    /// <summary>
    /// Reads <c>pfctl -sc</c>: a title line (<c>Creator IDs:</c>), then one state-creator host id per line (<c>%08x</c>).
    /// The ids come back as eight lower-case hex digits, the form of <see cref="Model.PfSense.PfctlInfo.HostId"/>.
    /// </summary>
    public static class PfctlCreatorParser
    {
        private const string Kind = "pfctl -sc";

        public static IReadOnlyList<string> Parse(string text)
        {
            ParseText.RequireText(text, Kind);
            var lines = ParseText.Lines(text).Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
            var ids = new List<string>();
            for (var i = 0; i < lines.Count; i++)
            {
                if (ParseText.TryUInt32Hex(lines[i], out var id))
                    ids.Add(id.ToString("x8", CultureInfo.InvariantCulture));
                // pfSense itself skips the first line ("tail -n +2"); only that line may be a title.
                else if (i > 0) throw ParseText.Unparsable(Kind, $"'{lines[i]}' is not a host id");
                else if (lines[i].IndexOf("creator", StringComparison.OrdinalIgnoreCase) < 0)
                    throw ParseText.Unparsable(Kind, $"the title line '{lines[i]}' does not name creator ids");
            }

            return ids;
        }
    }
}
