using System.Net;
using System.Text;
using HaEdge.Core.ConfigSync;
using HaEdge.Core.Tests.Support;
using Xunit;

namespace HaEdge.Core.Tests.SyncService;

/// <summary>The service over the real XML-RPC client, fed the real response bodies of a pfSense 2.7.0 box.</summary>
public class RealXmlRpcBodyTests
{
    private static readonly string FirmwareBody = RealFixture.Body("pfsense-xmlrpc/slamdev-host_firmware_version-response-2.7.0.xml.txt");
    private static readonly string NatBody = RealFixture.Body("pfsense-xmlrpc/slamdev-backup_config_section-nat-response.xml.txt");

    /// <summary>Answers each method with its body, as xmlrpc.php would.</summary>
    private sealed class BodyHandler(string natBody) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var call = await request.Content!.ReadAsStringAsync(cancellationToken);
            var body = call.Contains("pfsense.host_firmware_version") ? FirmwareBody : natBody;
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "text/xml") };
        }
    }

    private static PfXmlRpcClient Client(string target, string natBody) =>
        new(new PfXmlRpcClientOptions(new Uri($"https://{target}.example/xmlrpc.php"), "hasync", "pw", target), new BodyHandler(natBody));

    [Fact]
    public async Task A_real_nat_section_compares_clean_against_itself_and_shows_a_changed_outbound_mode()
    {
        Assert.Contains("<string>hybrid</string>", NatBody);
        var pair = new FakeSyncPair();
        using var primary = Client("fw1", NatBody);
        using var same = Client("fw2", NatBody);
        using var changed = Client("fw2", NatBody.Replace("<string>hybrid</string>", "<string>automatic</string>"));

        var clean = await new ConfigSyncService(pair.Session, new XmlRpcPair(primary, same)).CompareAsync(new[] { "nat" }, CancellationToken.None);
        var drift = await new ConfigSyncService(pair.Session, new XmlRpcPair(primary, changed)).CompareAsync(new[] { "nat" }, CancellationToken.None);

        Assert.Empty(clean);
        var difference = Assert.Single(drift);
        Assert.Equal(("nat", "nat/outbound/mode", "hybrid", "automatic"), (difference.Section, difference.Path, difference.PrimaryValue, difference.SecondaryValue));
    }
}
