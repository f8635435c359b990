using System.Xml.Linq;
using HaEdge.Core.ConfigSync;
using HaEdge.Core.Tests.Support;
using Xunit;

namespace HaEdge.Core.Tests.Sync;

public class XmlRpcCodecTests
{
    private const string Dir = "pfsense-xmlrpc/";

    [Fact]
    public void Host_firmware_version_response_decodes_to_firmware_info()
    {
        var value = XmlRpcCodec.DecodeResponse(RealFixture.Body(Dir + "slamdev-host_firmware_version-response-2.7.0.xml.txt"));
        var info = PfFirmwareInfo.FromXmlRpc(value);

        Assert.Equal("2.7.0-RELEASE", info.FirmwareVersion);
        Assert.Equal("14.0", info.KernelVersion);
        Assert.Equal("14.0", info.BaseVersion);
        Assert.Equal("pfSense", info.Platform);
        Assert.Equal("22.9", info.ConfigVersion);
    }

    [Fact]
    public void Backup_config_section_response_decodes_the_nat_section()
    {
        var value = XmlRpcCodec.DecodeResponse(RealFixture.Body(Dir + "slamdev-backup_config_section-nat-response.xml.txt"));
        var nat = ConfigTree.Select(value, "nat");

        Assert.Equal("", ConfigTree.Text(nat, "separator"));
        Assert.Equal("hybrid", ConfigTree.Text(ConfigTree.Select(nat, "outbound"), "mode"));

        var outbound = Assert.Single(ConfigTree.Items(ConfigTree.Select(nat, "outbound/rule")));
        Assert.Equal("10.0.0.0/8", ConfigTree.Text(ConfigTree.Select(outbound, "source"), "network"));
        Assert.Equal("wan", ConfigTree.Text(outbound, "interface"));
        Assert.Equal("", ConfigTree.Text(ConfigTree.Select(outbound, "destination"), "any"));
        Assert.Equal("1688459188", ConfigTree.Text(ConfigTree.Select(outbound, "updated"), "time"));

        var forward = Assert.Single(ConfigTree.Items(ConfigTree.Select(nat, "rule")));
        Assert.Equal("150.150.150.0", ConfigTree.Text(ConfigTree.Select(forward, "destination"), "address"));
        Assert.Equal("80", ConfigTree.Text(ConfigTree.Select(forward, "destination"), "port"));
        Assert.Equal("tcp", ConfigTree.Text(forward, "protocol"));
        Assert.Equal("10.1.10.2", ConfigTree.Text(forward, "target"));
        Assert.Equal("32152", ConfigTree.Text(forward, "local-port"));
        Assert.Equal("nat_64a17187182a13.81551731", ConfigTree.Text(forward, "associated-rule-id"));
        // String content is kept verbatim, whitespace included (the sample is pretty-printed).
        Assert.StartsWith("admin@10.1.1.20 (Local Database)\n", ConfigTree.Text(ConfigTree.Select(forward, "created"), "username"));
    }

    [Fact]
    public void Method_not_found_fault_becomes_a_method_not_found_error()
    {
        var e = Assert.Throws<HaEdgeException>(() =>
            XmlRpcCodec.DecodeResponse(RealFixture.Body(Dir + "slamdev-method-not-found-fault.xml.txt"), "fw1"));

        Assert.Equal("XmlRpcMethodNotFound", e.ErrorId);
        Assert.Equal(FailureKind.InvalidOperation, e.Kind);
        Assert.Equal("fw1", e.Target);
        Assert.Equal(-32601, e.Data["FaultCode"]);
        Assert.Contains("server error. requested method not found", e.Message);
    }

    [Fact]
    public void Restore_accepted_response_with_boolean_true_decodes_to_true()
    {
        Assert.Equal(true, XmlRpcCodec.DecodeResponse(RealFixture.Body(Dir + "slamdev-restore_config_section-accepted-response.xml.txt")));
    }

    [Theory]
    [InlineData(-1, "XmlRpcAuthenticationFailed", FailureKind.AuthenticationError, "Authentication failed: Invalid username or password")]
    [InlineData(-2, "XmlRpcNotPermitted", FailureKind.PermissionDenied, "Authentication failed: not enough privileges")]
    [InlineData(7, "XmlRpcFault", FailureKind.InvalidOperation, "something else")]
    public void Faults_map_to_error_ids(int code, string errorId, FailureKind kind, string text)
    {
        var e = Assert.Throws<HaEdgeException>(() => XmlRpcCodec.DecodeResponse(Fault(code, text), "fw2"));

        Assert.Equal(errorId, e.ErrorId);
        Assert.Equal(kind, e.Kind);
        Assert.Contains(text, e.Message);
    }

    [Theory]
    [InlineData("<value>bare text</value>", "bare text")]
    [InlineData("<value><string> spaced </string></value>", " spaced ")]
    [InlineData("<value><i4>-12</i4></value>", -12)]
    [InlineData("<value><int>42</int></value>", 42)]
    [InlineData("<value><boolean>0</boolean></value>", false)]
    [InlineData("<value><boolean>1</boolean></value>", true)]
    [InlineData("<value><double>22.9</double></value>", 22.9)]
    [InlineData("<value><nil/></value>", null)]
    public void Scalars_decode(string value, object? expected)
    {
        Assert.Equal(expected, XmlRpcCodec.DecodeResponse(Response(value)));
    }

    [Fact]
    public void Base64_and_empty_array_decode()
    {
        Assert.Equal(new byte[] { 1, 2, 255 }, XmlRpcCodec.DecodeResponse(Response("<value><base64>AQL/</base64></value>")));
        Assert.Empty(Assert.IsType<List<object?>>(XmlRpcCodec.DecodeResponse(Response("<value><array><data/></array></value>"))));
    }

    [Theory]
    [InlineData("not xml")]
    [InlineData("<html><body>502</body></html>")]
    [InlineData("<methodResponse><params><param><value><int>x</int></value></param></params></methodResponse>")]
    [InlineData("<methodResponse><params><param><value><blob/></value></param></params></methodResponse>")]
    public void Malformed_responses_are_invalid_data(string body)
    {
        var e = Assert.Throws<HaEdgeException>(() => XmlRpcCodec.DecodeResponse(body, "fw1"));
        Assert.Equal("XmlRpcInvalidResponse", e.ErrorId);
        Assert.Equal(FailureKind.InvalidData, e.Kind);
    }

    [Fact]
    public void A_doctype_is_refused()
    {
        var body = "<!DOCTYPE x [<!ENTITY a \"aaaa\">]><methodResponse><params><param><value>&a;</value></param></params></methodResponse>";
        Assert.Equal("XmlRpcInvalidResponse", Assert.Throws<HaEdgeException>(() => XmlRpcCodec.DecodeResponse(body)).ErrorId);
    }

    [Fact]
    public void Encoded_call_is_a_well_formed_method_call()
    {
        var xml = XmlRpcCodec.EncodeCall("pfsense.backup_config_section", new List<string> { "nat", "filter" });
        var call = XDocument.Parse(xml).Root!;

        Assert.Equal("methodCall", call.Name.LocalName);
        Assert.Equal("pfsense.backup_config_section", call.Element("methodName")!.Value);
        var param = Assert.Single(call.Element("params")!.Elements("param"));
        var items = param.Element("value")!.Element("array")!.Element("data")!.Elements("value").Select(v => v.Element("string")!.Value);
        Assert.Equal(new[] { "nat", "filter" }, items);
    }

    [Fact]
    public void Encoded_values_round_trip_through_the_decoder()
    {
        var tree = new Dictionary<string, object?>
        {
            ["s"] = "a<b&c",
            ["i"] = 240,
            ["b"] = true,
            ["d"] = 1.5,
            ["n"] = null,
            ["list"] = new List<object?> { "x", 2 },
            ["bytes"] = new byte[] { 9 },
        };
        var call = XDocument.Parse(XmlRpcCodec.EncodeCall("m", tree)).Root!;
        var value = call.Element("params")!.Element("param")!.Element("value")!;

        var decoded = Assert.IsAssignableFrom<IReadOnlyDictionary<string, object?>>(XmlRpcCodec.DecodeResponse(Response(value.ToString())));
        Assert.Equal("a<b&c", decoded["s"]);
        Assert.Equal(240, decoded["i"]);
        Assert.Equal(true, decoded["b"]);
        Assert.Equal(1.5, decoded["d"]);
        Assert.Null(decoded["n"]);
        Assert.Equal(new object?[] { "x", 2 }, Assert.IsType<List<object?>>(decoded["list"]));
        Assert.Equal(new byte[] { 9 }, decoded["bytes"]);
    }

    internal static string Response(string value) =>
        $"<?xml version=\"1.0\"?><methodResponse><params><param>{value}</param></params></methodResponse>";

    internal static string Fault(int code, string text) =>
        "<?xml version=\"1.0\"?><methodResponse><fault><value><struct>" +
        $"<member><name>faultCode</name><value><int>{code}</int></value></member>" +
        $"<member><name>faultString</name><value><string>{text}</string></value></member>" +
        "</struct></value></fault></methodResponse>";
}
