using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using System.Xml.Linq;
using HaEdge.Lab.Pve;
using HaEdge.Lab.XmlRpc;

namespace HaEdge.Lab.Sync;

/// <summary>
/// The lab's /etc/rc.filter_synchronize: <c>sync-config --firewall fw1 --state-dir &lt;dir&gt; [--peer fw2] [--peer-port N]</c>.
/// Pushes the ticked sections of this firewall's config.xml to its sync target over XMLRPC, as pfSense does:
/// quiet when there is no target, config_version check first, nosync items stripped, CARP advskew +100.
/// Exit 0 on success or nothing to do, 1 with a message on failure.
/// </summary>
public static class ConfigSync
{
    // system_hasync.php checkbox -> config sections (platform-facts.md 2b). system/user+group are handled apart.
    private static readonly (string Box, string[] Sections)[] SectionMap =
    {
        ("synchronizerules", new[] { "filter", "schedules" }),
        ("synchronizenat", new[] { "nat" }),
        ("synchronizealiases", new[] { "aliases" }),
        ("synchronizedhcpd", new[] { "dhcpd", "kea" }),
        ("synchronizekea6", new[] { "dhcpdv6", "kea6" }),
        ("synchronizedhcrelay", new[] { "dhcrelay" }),
        ("synchronizedhcrelay6", new[] { "dhcrelay6" }),
        ("synchronizewol", new[] { "wol" }),
        ("synchronizetrafficshaper", new[] { "shaper" }),
        ("synchronizetrafficshaperlimiter", new[] { "dnshaper" }),
        ("synchronizestaticroutes", new[] { "staticroutes", "gateways" }),
        ("synchronizevirtualip", new[] { "virtualip" }),
        ("synchronizeipsec", new[] { "ipsec" }),
        ("synchronizeopenvpn", new[] { "openvpn", "cert", "ca", "crl" }),
        ("synchronizecerts", new[] { "cert", "ca", "crl" }),
        ("synchronizednsforwarder", new[] { "dnsmasq", "unbound" }),
        ("synchronizeschedules", new[] { "schedules" }),
    };

    // Where rc.filter_synchronize drops items flagged nosync.
    private static readonly (string Section, string[] Path)[] NosyncLists =
    {
        ("nat", new[] { "outbound", "rule" }), ("nat", new[] { "rule" }), ("filter", new[] { "rule" }),
        ("aliases", new[] { "alias" }), ("dnsmasq", new[] { "hosts" }), ("ipsec", new[] { "tunnel" }),
    };

    private const int Attempts = 4;

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        Dictionary<string, string> values = ParseArgs(args);
        if (!values.TryGetValue("--firewall", out string? firewall) || !values.TryGetValue("--state-dir", out string? stateDirArg))
        {
            Console.Error.WriteLine("usage: sync-config --firewall <fw> --state-dir <dir> [--peer <fw>] [--peer-port <port>]");
            return 2;
        }
        string stateDir = Path.GetFullPath(stateDirArg);
        string peer = values.GetValueOrDefault("--peer") ?? LabPair.Peer(LabPair.Firewall(firewall)).Name;
        try
        {
            return await SyncAsync(stateDir, firewall, peer, values.GetValueOrDefault("--peer-port"), cancellationToken).ConfigureAwait(false);
        }
        catch (SyncFailure failure)
        {
            PfLog.Write(stateDir, firewall, "/rc.filter_synchronize", failure.Message);
            return 1;
        }
    }

    private static async Task<int> SyncAsync(string stateDir, string firewall, string peer, string? peerPort, CancellationToken ct)
    {
        XElement config = PfConfig.Load(stateDir, firewall);
        XElement? hasync = config.Element("hasync");
        string target = hasync?.Element("synchronizetoip")?.Value.Trim() ?? "";
        if (hasync is null || target.Length == 0)
        {
            return 0; // the secondary: no sync target, nothing to do
        }
        // pfSense assumes the peer's webGUI listens on the same port as its own.
        string? ownPort = config.Element("system")?.Element("webgui")?.Element("port")?.Value.Trim();
        string port = peerPort ?? (string.IsNullOrEmpty(ownPort) ? "443" : ownPort);
        string url = $"https://{(target.Contains(':', StringComparison.Ordinal) ? $"[{target}]" : target)}:{port}/xmlrpc.php";
        string user = hasync.Element("username")?.Value ?? "";
        string password = hasync.Element("password")?.Value ?? "";

        OrderedDictionary<string, object> sections = BuildSections(config, hasync);
        if (sections.Count == 0)
        {
            return 0;
        }
        using HttpClient client = PinnedClient(stateDir, peer, user, password);

        var remote = await CallAsync(client, url, "pfsense.host_firmware_version", new object[] { "", 240 }, ct).ConfigureAwait(false) as OrderedDictionary<string, object>;
        string localVersion = config.Element("version")?.Value.Trim() ?? "";
        string remoteVersion = remote?.GetValueOrDefault("config_version")?.ToString() ?? "unknown";
        if (remoteVersion != localVersion)
        {
            throw new SyncFailure($"The other member is on a different configuration version of pfSense ({remoteVersion}, this node {localVersion}). Sync will not be done to prevent problems!");
        }

        PfLog.Write(stateDir, firewall, "/rc.filter_synchronize", $"Beginning XMLRPC sync data to {url}.");
        object result = await CallAsync(client, url, "pfsense.restore_config_section", new object[] { sections, 900 }, ct).ConfigureAwait(false);
        if (result is not true)
        {
            throw new SyncFailure($"XMLRPC reload data failed with {url} (pfsense.restore_config_section): unexpected answer.");
        }
        PfLog.Write(stateDir, firewall, "/rc.filter_synchronize", $"XMLRPC reload data success with {url} (pfsense.restore_config_section).");
        Console.WriteLine($"synced {string.Join(", ", sections.Keys)} to {url}");
        return 0;
    }

    private static OrderedDictionary<string, object> BuildSections(XElement config, XElement hasync)
    {
        var sections = new OrderedDictionary<string, object>();
        foreach ((string box, string[] names) in SectionMap.Where(m => hasync.Element(m.Box) is not null))
        {
            foreach (XElement section in names.Select(n => config.Element(n)).OfType<XElement>())
            {
                sections[section.Name.LocalName] = PfConfig.ToValue(section);
            }
        }
        if (hasync.Element("synchronizeusers") is not null && config.Element("system") is XElement system)
        {
            sections["system"] = new OrderedDictionary<string, object>
            {
                ["user"] = system.Elements("user").Select(PfConfig.ToValue).ToList(),
                ["group"] = system.Elements("group").Select(PfConfig.ToValue).ToList(),
            };
        }
        foreach ((string section, string[] path) in NosyncLists)
        {
            if (sections.TryGetValue(section, out object? value) && Parent(value, path) is (OrderedDictionary<string, object> parent, string key)
                && parent.TryGetValue(key, out object? list) && list is List<object> items)
            {
                items.RemoveAll(item => item is OrderedDictionary<string, object> fields && fields.ContainsKey("nosync"));
            }
        }
        if (sections.TryGetValue("virtualip", out object? vips) && vips is OrderedDictionary<string, object> vipSection && vipSection.TryGetValue("vip", out object? vipList))
        {
            vipSection["vip"] = ((List<object>)vipList).OfType<OrderedDictionary<string, object>>().Where(Synced).Select(Skewed).Cast<object>().ToList();
        }
        return sections;
    }

    private static (OrderedDictionary<string, object>, string)? Parent(object value, string[] path)
    {
        object current = value;
        foreach (string step in path[..^1])
        {
            if (current is not OrderedDictionary<string, object> members || !members.TryGetValue(step, out object? next))
            {
                return null;
            }
            current = next;
        }
        return current is OrderedDictionary<string, object> parent ? (parent, path[^1]) : null;
    }

    /// <summary>CARP VIPs, and IP aliases stacked on a CARP VIP or on lo0; other VIPs stay local.</summary>
    private static bool Synced(OrderedDictionary<string, object> vip)
    {
        string mode = vip.GetValueOrDefault("mode")?.ToString() ?? "";
        string iface = vip.GetValueOrDefault("interface")?.ToString() ?? "";
        return mode == "carp" || (mode == "ipalias" && (iface.StartsWith("_vip", StringComparison.Ordinal) || iface == "lo0"));
    }

    /// <summary>The secondary's copy: advskew + 100 (at most 254), advbase at most 254.</summary>
    private static OrderedDictionary<string, object> Skewed(OrderedDictionary<string, object> vip)
    {
        var copy = new OrderedDictionary<string, object>(vip);
        if (copy.GetValueOrDefault("mode")?.ToString() == "carp")
        {
            int skew = int.TryParse(copy.GetValueOrDefault("advskew")?.ToString(), out int s) ? s : 0;
            int advbase = int.TryParse(copy.GetValueOrDefault("advbase")?.ToString(), out int b) ? b : 1;
            copy["advskew"] = Math.Min(skew + 100, 254).ToString(CultureInfo.InvariantCulture);
            copy["advbase"] = Math.Min(advbase, 254).ToString(CultureInfo.InvariantCulture);
        }
        return copy;
    }

    /// <summary>HTTPS to the peer, trusting exactly the certificate whose fingerprint the lab wrote for it.</summary>
    private static HttpClient PinnedClient(string stateDir, string peer, string user, string password)
    {
        string fingerprintPath = Path.Combine(XmlRpcUsers.Directory(stateDir, peer), "fingerprint");
        string pinned = File.Exists(fingerprintPath) ? File.ReadAllText(fingerprintPath).Trim() : throw new SyncFailure($"no pinned certificate for {peer} ({fingerprintPath})");
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert is X509Certificate2 c && LabCertificate.Fingerprint(c) == pinned,
        };
        var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        return client;
    }

    /// <summary>One XML-RPC call, retried like xmlrpc_client.inc (4 attempts, 1 s apart) on transport errors only.</summary>
    private static async Task<object> CallAsync(HttpClient client, string url, string method, object[] parameters, CancellationToken ct)
    {
        string body = XmlRpcCodec.MethodCall(method, parameters);
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                using var content = new StringContent(body, Encoding.UTF8, "text/xml");
                using HttpResponseMessage response = await client.PostAsync(url, content, ct).ConfigureAwait(false);
                response.EnsureSuccessStatusCode();
                return XmlRpcCodec.ParseResponse(await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false));
            }
            catch (XmlRpcFault fault) when (fault.Code is -1 or -2)
            {
                throw new SyncFailure($"An authentication failure occurred while trying to access {url} ({method}): {fault.Message}");
            }
            catch (XmlRpcFault fault)
            {
                throw new SyncFailure($"XMLRPC {method} to {url} failed: fault {fault.Code} {fault.Message}");
            }
            catch (Exception error) when (error is HttpRequestException || (error is TaskCanceledException && !ct.IsCancellationRequested))
            {
                if (attempt >= Attempts)
                {
                    throw new SyncFailure($"A communications error occurred while attempting to call XMLRPC method {method}: {error.Message}");
                }
                await Task.Delay(1000, ct).ConfigureAwait(false);
            }
        }
    }

    private static Dictionary<string, string> ParseArgs(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            values[args[i]] = args[i + 1];
        }
        return values;
    }

    private sealed class SyncFailure : Exception
    {
        public SyncFailure(string message)
            : base(message)
        {
        }
    }
}
