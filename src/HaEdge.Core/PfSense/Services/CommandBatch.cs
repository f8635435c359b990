using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace HaEdge.Core.PfSense.Services
{
    /// <summary>
    /// Several firewall commands in one SSH exec: each is followed by a marker line carrying its exit status, so one
    /// round trip answers them all and each answer is cut out again by its marker.
    /// </summary>
    public static class CommandBatch
    {
        private const string Marker = "@@haedge-exit";

        /// <summary>The commands joined for <c>/bin/sh -c</c>.</summary>
        public static string Join(IReadOnlyList<string> commands) =>
            // $? is the command's status as printf's argument; the leading newline ends output that lacks one.
            string.Join("; ", commands.Select(c => $"{c}; printf '\\n{Marker} %d\\n' $?"));

        /// <summary>Each command's output, in order. A command that exited non-zero or a missing marker is an error.</summary>
        public static IReadOnlyList<string> Split(string firewall, IReadOnlyList<string> commands, string output, string error)
        {
            var sections = new List<string>();
            var current = new StringBuilder();
            foreach (var line in output.Replace("\r\n", "\n").Split('\n'))
            {
                if (!line.StartsWith(Marker + " ", StringComparison.Ordinal))
                {
                    current.Append(line).Append('\n');
                    continue;
                }

                var command = sections.Count < commands.Count ? commands[sections.Count] : "?";
                var status = line.Substring(Marker.Length + 1).Trim();
                if (status != "0")
                {
                    var why = error.Trim().Length == 0 ? "" : ": " + error.Trim();
                    throw new HaEdgeException("PfSenseCommandFailed", FailureKind.InvalidOperation,
                        $"{firewall}: '{command}' exited with status {status}{why}", firewall);
                }

                // The newline before the marker ends output that lacks a final newline; drop that one blank line again.
                var text = current.ToString();
                sections.Add(text.EndsWith("\n\n", StringComparison.Ordinal) ? text.Substring(0, text.Length - 1) : text);
                current.Clear();
            }

            if (sections.Count != commands.Count)
            {
                throw new HaEdgeException("PfSenseOutputTruncated", FailureKind.InvalidData,
                    string.Format(CultureInfo.InvariantCulture, "{0}: the answer ended after {1} of {2} commands ('{3}' did not finish).",
                        firewall, sections.Count, commands.Count, commands[Math.Min(sections.Count, commands.Count - 1)]), firewall);
            }

            return sections;
        }
    }
}
