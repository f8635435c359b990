using System.Globalization;
using System.IO;
using System.Xml;
using System.Xml.Linq;

namespace HaEdge.Core.ConfigSync;

/// <summary>
/// Parses XML from a firewall with DTDs prohibited and no resolver, so a hostile body cannot expand entities, and
/// with a nesting limit, so a hostile body cannot exhaust the stack of whatever walks the tree.
/// </summary>
internal static class SafeXml
{
    /// <summary>
    /// Elements deeper than this are refused. A real config.xml nests about 10 elements deep (a package's settings
    /// under installedpackages), its XML-RPC form about 3 times that (struct, member, value per level).
    /// </summary>
    public const int MaxDepth = 256;

    /// <param name="what">What the text is, for the error ("config.xml", "The XML-RPC response").</param>
    public static XDocument Parse(string text, bool preserveWhitespace, string what, string? target)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            IgnoreWhitespace = !preserveWhitespace,
        };
        // One reading pass first: the depth is known before any tree exists.
        using (var reader = XmlReader.Create(new StringReader(text), settings))
        {
            while (reader.Read())
                if (reader.Depth > MaxDepth) throw TooDeep(what, target);
        }
        using (var reader = XmlReader.Create(new StringReader(text), settings))
            return XDocument.Load(reader, preserveWhitespace ? LoadOptions.PreserveWhitespace : LoadOptions.None);
    }

    private static HaEdgeException TooDeep(string what, string? target) =>
        new HaEdgeException("XmlNestedTooDeep", FailureKind.InvalidData,
            (target == null ? "" : target + ": ") + what + " nests elements more than "
            + MaxDepth.ToString(CultureInfo.InvariantCulture) + " deep; it was refused unread.", target);
}
