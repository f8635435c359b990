using System.IO;
using System.Xml;
using System.Xml.Linq;

namespace HaEdge.Core.PfSense.XmlRpc
{
    /// <summary>Parses XML from a firewall with DTDs prohibited and no resolver, so a hostile body cannot expand entities.</summary>
    internal static class SafeXml
    {
        public static XDocument Parse(string text, bool preserveWhitespace)
        {
            var settings = new XmlReaderSettings
            {
                DtdProcessing = DtdProcessing.Prohibit,
                XmlResolver = null,
                IgnoreWhitespace = !preserveWhitespace,
            };
            using (var reader = XmlReader.Create(new StringReader(text), settings))
                return XDocument.Load(reader, preserveWhitespace ? LoadOptions.PreserveWhitespace : LoadOptions.None);
        }
    }
}
