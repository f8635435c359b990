using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace HaEdge.Core.ConfigSync;

/// <summary>
/// XML-RPC bodies to and from a neutral tree: struct = <see cref="Dictionary{TKey,TValue}"/> of string to object?
/// (member order kept), array = <see cref="List{T}"/> of object?, then string, int, long (i8), bool, double,
/// byte[] (base64), DateTime (dateTime.iso8601) and null (nil).
/// </summary>
internal static class XmlRpcCodec
{
    public const int FaultAuthenticationFailed = -1;
    public const int FaultNotEnoughPrivileges = -2;
    public const int FaultMethodNotFound = -32601;

    /// <summary>A methodCall document, UTF-8, for <paramref name="method"/> with the given parameters.</summary>
    public static string EncodeCall(string method, params object?[] parameters)
    {
        if (string.IsNullOrEmpty(method)) throw new ArgumentException("A method name is required.", nameof(method));
        var call = new XElement("methodCall",
            new XElement("methodName", method),
            new XElement("params", parameters.Select(p => new XElement("param", EncodeValue(p)))));

        var settings = new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = false };
        using (var stream = new MemoryStream())
        {
            using (var writer = XmlWriter.Create(stream, settings)) new XDocument(call).Save(writer);
            return Encoding.UTF8.GetString(stream.ToArray());
        }
    }

    /// <summary>
    /// The single return value of a methodResponse. A fault becomes a <see cref="HaEdgeException"/> whose ErrorId
    /// tells authentication (-1), privileges (-2) and unknown method (-32601) apart.
    /// </summary>
    public static object? DecodeResponse(string body, string? target = null)
    {
        XDocument document;
        try
        {
            document = SafeXml.Parse(body, preserveWhitespace: true, "The XML-RPC response", target);
        }
        catch (XmlException e)
        {
            throw InvalidResponse($"The XML-RPC response is not well-formed XML: {e.Message}", target, e);
        }

        var root = document.Root;
        if (root == null || root.Name.LocalName != "methodResponse")
            throw InvalidResponse("The XML-RPC response has no methodResponse element.", target);

        var fault = root.Element("fault");
        if (fault != null) throw FaultException(DecodeValue(RequiredValue(fault, target), target), target);

        var param = root.Element("params")?.Element("param");
        if (param == null) throw InvalidResponse("The XML-RPC response has neither params/param nor fault.", target);
        return DecodeValue(RequiredValue(param, target), target);
    }

    private static XElement EncodeValue(object? value) => new XElement("value", EncodeInner(value));

    private static XElement EncodeInner(object? value)
    {
        switch (value)
        {
            case null: return new XElement("nil");
            case string s: return new XElement("string", s);
            case bool b: return new XElement("boolean", b ? "1" : "0");
            case int i: return new XElement("int", i.ToString(CultureInfo.InvariantCulture));
            case long l: return new XElement("i8", l.ToString(CultureInfo.InvariantCulture));
            case double d: return new XElement("double", d.ToString("R", CultureInfo.InvariantCulture));
            case byte[] bytes: return new XElement("base64", Convert.ToBase64String(bytes));
            case DateTime t: return new XElement("dateTime.iso8601", t.ToString("yyyyMMdd'T'HH:mm:ss", CultureInfo.InvariantCulture));
            case IEnumerable<KeyValuePair<string, object?>> members:
                return new XElement("struct", members.Select(m =>
                    new XElement("member", new XElement("name", m.Key), EncodeValue(m.Value))));
            case IEnumerable items:
                return new XElement("array", new XElement("data", items.Cast<object?>().Select(EncodeValue)));
            default:
                throw new ArgumentException($"Cannot encode a {value.GetType().Name} as an XML-RPC value.", nameof(value));
        }
    }

    private static object? DecodeValue(XElement value, string? target)
    {
        var typed = value.Elements().FirstOrDefault();
        if (typed == null) return value.Value; // a bare <value>text</value> is a string by the spec

        var text = typed.Value;
        switch (typed.Name.LocalName)
        {
            case "string": return text;
            case "int":
            case "i4": return ParseNumber(text, s => int.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture), typed, target);
            case "i8": return ParseNumber(text, s => long.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture), typed, target);
            case "double": return ParseNumber(text, s => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture), typed, target);
            case "boolean": return ParseBoolean(text, target);
            case "base64": return ParseNumber(text, s => Convert.FromBase64String(s), typed, target);
            case "dateTime.iso8601": return ParseNumber(text, ParseDateTime, typed, target);
            case "nil": return null;
            case "struct":
                var members = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var member in typed.Elements("member"))
                {
                    var name = member.Element("name")?.Value
                        ?? throw InvalidResponse("An XML-RPC struct member has no name.", target);
                    members[name] = DecodeValue(RequiredValue(member, target), target);
                }
                return members;
            case "array":
                return (typed.Element("data")?.Elements("value") ?? Enumerable.Empty<XElement>())
                    .Select(v => DecodeValue(v, target)).ToList();
            default:
                throw InvalidResponse($"Unknown XML-RPC value type <{typed.Name.LocalName}>.", target);
        }
    }

    private static XElement RequiredValue(XElement parent, string? target) =>
        parent.Element("value") ?? throw InvalidResponse($"XML-RPC <{parent.Name.LocalName}> has no <value>.", target);

    private static T ParseNumber<T>(string text, Func<string, T> parse, XElement element, string? target)
    {
        try
        {
            return parse(text.Trim());
        }
        catch (FormatException e)
        {
            throw InvalidResponse($"'{text}' is not a valid XML-RPC <{element.Name.LocalName}>.", target, e);
        }
        catch (OverflowException e)
        {
            throw InvalidResponse($"'{text}' is out of range for XML-RPC <{element.Name.LocalName}>.", target, e);
        }
    }

    // The spec allows only 1/0; some servers and mocks write true/false, which costs nothing to accept.
    private static bool ParseBoolean(string text, string? target)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "1":
            case "true": return true;
            case "0":
            case "false": return false;
            default: throw InvalidResponse($"'{text}' is not a valid XML-RPC <boolean>.", target);
        }
    }

    private static DateTime ParseDateTime(string text) => DateTime.ParseExact(text,
        new[] { "yyyyMMdd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss", "yyyyMMdd'T'HHmmss" },
        CultureInfo.InvariantCulture, DateTimeStyles.None);

    private static HaEdgeException FaultException(object? fault, string? target)
    {
        var members = fault as IReadOnlyDictionary<string, object?>;
        object? codeValue = null;
        object? messageValue = null;
        members?.TryGetValue("faultCode", out codeValue);
        members?.TryGetValue("faultString", out messageValue);
        var code = codeValue switch
        {
            int i => i,
            string s when int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => 0,
        };
        var detail = messageValue is string text ? UntrustedText.ForMessage(text) : "(no fault string)";
        var where = target == null ? "" : $" from {target}";
        var message = $"XML-RPC fault {code.ToString(CultureInfo.InvariantCulture)}{where}: {detail}";

        var (errorId, kind) = code switch
        {
            FaultAuthenticationFailed => ("XmlRpcAuthenticationFailed", FailureKind.AuthenticationError),
            FaultNotEnoughPrivileges => ("XmlRpcNotPermitted", FailureKind.PermissionDenied),
            FaultMethodNotFound => ("XmlRpcMethodNotFound", FailureKind.InvalidOperation),
            _ => ("XmlRpcFault", FailureKind.InvalidOperation),
        };
        var exception = new HaEdgeException(errorId, kind, message, target);
        exception.Data["FaultCode"] = code;
        return exception;
    }

    private static HaEdgeException InvalidResponse(string message, string? target, Exception? inner = null) =>
        new HaEdgeException("XmlRpcInvalidResponse", FailureKind.InvalidData,
            target == null ? message : $"{target}: {message}", target, inner);
}
