using HaEdge.Core.ConfigSync;
using HaEdge.Core.Tests.Support;


namespace HaEdge.Core.Tests.Sync;

/// <summary>Loads the real config.xml samples; trimmed ones (a tail or loose sections) are wrapped in a root first.</summary>
internal static class SyncFixtures
{
    public const string OpnsenseMaster = "pfsense-config-xml/opnsense-docs-carp-example-master-hasync-vip-gw.xml.txt";
    public const string OpnsenseBackup = "pfsense-config-xml/opnsense-docs-carp-example-backup-hasync-vip-gw.xml.txt";
    public const string Gateways189 = "pfsense-config-xml/pfsensible-gateway-fixture-18.9-gateways.xml.txt";
    public const string NonCarpVips189 = "pfsense-config-xml/pfsensible-gateway-fixture-18.9-virtualip-noncarp.xml.txt";
    public const string CarpVips222 = "pfsense-config-xml/pfsensible-ipsec-fixture-22.2-virtualip-carp.xml.txt";
    public const string Default180 = "pfsense-config-xml/pfsense-default-config-18.0.xml.txt";
    public const string Default232 = "pfsense-config-xml/pfsense-default-config-23.2.xml.txt";

    public static string Xml(string file)
    {
        var body = RealFixture.Body(file).Trim();
        if (body.StartsWith("<?xml", StringComparison.Ordinal)) return body;
        // The OPNsense samples keep the closing </opnsense> of a removed opening tag.
        const string closing = "</opnsense>";
        if (body.EndsWith(closing, StringComparison.Ordinal)) body = body.Substring(0, body.Length - closing.Length);
        return "<pfsense>\n" + body + "\n</pfsense>";
    }

    public static PfConfig Config(string file) => PfConfig.Parse(Xml(file), file);
}
