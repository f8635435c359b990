using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Xml.Linq;
using HaEdge.Lab.Simulators.Common;

namespace HaEdge.Lab.Simulators.PfSense;

/// <summary>An XML-RPC fault (faultCode, faultString).</summary>
internal sealed class XmlRpcFault : Exception
{
    public XmlRpcFault(int code, string message)
        : base(message)
    {
        Code = code;
    }

    public int Code { get; }
}

/// <summary>
/// XML-RPC by hand. Values map to: string, int, bool, double, <see cref="OrderedDictionary{TKey,TValue}"/> of
/// string to value (struct, member order kept), and <see cref="List{T}"/> of value (array).
/// </summary>
internal static class SimXmlRpcCodec
{
    public static string MethodCall(string method, params object[] parameters) =>
        Document(new XElement("methodCall", new XElement("methodName", method), Params(parameters)));

    public static string Response(object value) => Document(new XElement("methodResponse", Params(new[] { value })));

    public static string Fault(int code, string message) => Document(new XElement("methodResponse",
        new XElement("fault", Encode(new OrderedDictionary<string, object> { ["faultCode"] = code, ["faultString"] = message }))));

    /// <summary>Parses a methodCall into its name and parameters.</summary>
    public static (string Method, List<object> Parameters) ParseCall(string xml)
    {
        XElement root = XDocument.Parse(xml).Root ?? throw new FormatException("empty XML-RPC request");
        string method = root.Element("methodName")?.Value.Trim() ?? throw new FormatException("methodCall without methodName");
        return (method, ParamValues(root));
    }

    /// <summary>Parses a methodResponse: its value, or throws the fault it carries.</summary>
    public static object ParseResponse(string xml)
    {
        XElement root = XDocument.Parse(xml).Root ?? throw new FormatException("empty XML-RPC response");
        if (root.Element("fault")?.Element("value") is XElement fault)
        {
            var members = (OrderedDictionary<string, object>)Decode(fault);
            throw new XmlRpcFault(Convert.ToInt32(members["faultCode"], CultureInfo.InvariantCulture), members["faultString"].ToString() ?? "");
        }
        return ParamValues(root).FirstOrDefault() ?? throw new FormatException("methodResponse without a value");
    }

    public static XElement Encode(object value) => new("value", value switch
    {
        string s => new XElement("string", s),
        bool b => new XElement("boolean", b ? "1" : "0"),
        int i => new XElement("int", i.ToString(CultureInfo.InvariantCulture)),
        long l => new XElement("int", l.ToString(CultureInfo.InvariantCulture)),
        double d => new XElement("double", d.ToString("R", CultureInfo.InvariantCulture)),
        OrderedDictionary<string, object> members => new XElement("struct",
            members.Select(m => new XElement("member", new XElement("name", m.Key), Encode(m.Value)))),
        IEnumerable<object> items => new XElement("array", new XElement("data", items.Select(Encode))),
        _ => throw new ArgumentException($"no XML-RPC type for {value.GetType().Name}"),
    });

    public static object Decode(XElement value)
    {
        XElement? typed = value.Elements().FirstOrDefault();
        if (typed is null)
        {
            return value.Value; // untyped <value>text</value> is a string
        }
        string text = typed.Value;
        return typed.Name.LocalName switch
        {
            "string" => text,
            "int" or "i4" or "i8" => int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int i) ? i : long.Parse(text.Trim(), CultureInfo.InvariantCulture),
            "boolean" => text.Trim() is "1" or "true",
            "double" => double.Parse(text.Trim(), CultureInfo.InvariantCulture),
            "base64" => Encoding.UTF8.GetString(Convert.FromBase64String(text.Trim())),
            "dateTime.iso8601" => text.Trim(),
            "struct" => new OrderedDictionary<string, object>(typed.Elements("member").Select(m =>
                KeyValuePair.Create(m.Element("name")?.Value ?? "", Decode(m.Element("value") ?? new XElement("value"))))),
            "array" => typed.Element("data")?.Elements("value").Select(Decode).ToList() ?? new List<object>(),
            var other => throw new FormatException($"unknown XML-RPC type <{other}>"),
        };
    }

    private static XElement Params(IEnumerable<object> parameters) =>
        new("params", parameters.Select(p => new XElement("param", Encode(p))));

    private static List<object> ParamValues(XElement root) =>
        root.Element("params")?.Elements("param").Select(p => Decode(p.Element("value") ?? new XElement("value"))).ToList() ?? new List<object>();

    private static string Document(XElement root) =>
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + root.ToString(SaveOptions.DisableFormatting) + "\n";
}
