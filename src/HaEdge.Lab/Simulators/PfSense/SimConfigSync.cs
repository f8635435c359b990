using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using System.Xml.Linq;
using HaEdge.Lab.Simulators.Common;

namespace HaEdge.Lab.Simulators.PfSense;

/// <summary>
/// The lab's /etc/rc.filter_synchronize: <c>sync-config --firewall fw1 --state-dir &lt;dir&gt; [--peer fw2] [--peer-port N] [--profile NAME]</c>.
/// Pushes the ticked sections of this firewall's config.xml to its sync target over XMLRPC as pfSense CE 2.7.0-2.8 do
/// (pfsense/pfsense src/etc/rc.filter_synchronize and src/etc/inc/xmlrpc_client.inc, RELENG_2_7_2 and 6a92af1458):
/// the sections per ticked box, the config_version check, nosync items stripped, the DHCP failover peer and CARP
/// advskew rewritten, on 2.8 the Kea HA block swapped; four attempts per call, 1 s apart. Like pfSense it prints
/// nothing and exits 0 whatever happens: the reasons go to the firewall's /var/log/system.log and
/// /var/run/filter_reload_status (<see cref="PfRecords"/>). Only a broken lab (no pinned certificate) exits 1.
/// </summary>
public static class SimConfigSync
{
    private const string Script = "/etc/rc.filter_synchronize";

    // $g['product_label'] on CE.
    private const string Product = "pfSense";

    // carp_sync_xml() drops entries carrying <nosync> from these lists.
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
            Console.Error.WriteLine("usage: sync-config --firewall <fw> --state-dir <dir> [--peer <fw>] [--peer-port <port>] [--profile NAME]");
            return 2;
        }
        string stateDir = Path.GetFullPath(stateDirArg);
        string peer = values.GetValueOrDefault("--peer") ?? LabPair.Peer(LabPair.Firewall(firewall)).Name;
        var records = new PfRecords(stateDir, firewall, "php", echo: false);
        records.EnsureExist();
        try
        {
            await SyncAsync(stateDir, firewall, peer, values.GetValueOrDefault("--peer-port"), LabProfile.FromArguments(args), records, cancellationToken)
                .ConfigureAwait(false);
            return 0;
        }
        catch (LabSetupError error)
        {
            Console.Error.WriteLine($"sync-config: {error.Message}");
            return 1;
        }
    }

    /// <summary>
    /// pfSsh.php's enablecarpmaint/disablecarpmaint as a config change: interfaces_carp_set_maintenancemode()
    /// (interfaces.inc) calls write_config() only when the state changes, and write_config()'s carp_sync_client()
    /// (config.lib.inc) then syncs to the peer as rc.filter_synchronize does. The key is in no synced section.
    /// </summary>
    public static Task<int> MaintenanceAsync(string[] args, CancellationToken cancellationToken)
    {
        Dictionary<string, string> values = ParseArgs(args);
        if (!values.TryGetValue("--firewall", out string? firewall) || !values.TryGetValue("--state-dir", out string? stateDir)
            || values.GetValueOrDefault("--mode") is not ("on" or "off"))
        {
            Console.Error.WriteLine("usage: carp-maintenance --mode on|off --firewall <fw> --state-dir <dir> [--profile NAME]");
            return Task.FromResult(2);
        }
        bool on = values["--mode"] == "on";
        bool written = SimPfConfig.Update(Path.GetFullPath(stateDir), firewall, root =>
        {
            XElement? key = root.Element(MaintenanceKey);
            if ((key != null) == on)
            {
                return false;
            }
            if (on)
            {
                root.Add(SimPfConfig.Leaf(MaintenanceKey, "1"));
            }
            else
            {
                key!.Remove();
            }
            SimPfConfig.Stamp(root, on ? "Enter CARP maintenance mode" : "Leave CARP maintenance mode", "(system)");
            return true;
        });
        return written ? RunAsync(args, cancellationToken) : Task.FromResult(0);
    }

    private const string MaintenanceKey = "virtualip_carp_maintenancemode";

    private static async Task SyncAsync(string stateDir, string firewall, string peer, string? peerPort, LabProfile profile, PfRecords records, CancellationToken ct)
    {
        XElement config = SimPfConfig.Load(stateDir, firewall);
        // if (config_get_path('hasync')): an absent or empty block does nothing at all.
        if (config.Element("hasync") is not XElement hasync || !hasync.HasElements)
        {
            return;
        }
        records.ReloadStatus("Building high availability sync information");
        string target = hasync.Element("synchronizetoip")?.Value.Trim() ?? "";
        if (target.Length == 0)
        {
            return; // the secondary: "a log here creates a lot of log spam"
        }

        List<string> sections = SectionsToSync(config, hasync, profile);
        if (sections.Count == 0)
        {
            records.LogError(Script, "Nothing has been configured to be synched. Skipping....");
            return;
        }

        // xmlrpc_client.inc: the user defaults to admin; the peer's web GUI is assumed on this firewall's own port.
        string? ownPort = config.Element("system")?.Element("webgui")?.Element("port")?.Value.Trim();
        string port = peerPort ?? (string.IsNullOrEmpty(ownPort) ? "443" : ownPort);
        string url = $"https://{(target.Contains(':', StringComparison.Ordinal) ? $"[{target}]" : target)}:{port}/xmlrpc.php";
        string user = hasync.Element("username")?.Value is string name && name.Length > 0 ? name : "admin";
        using HttpClient http = PinnedClient(stateDir, peer, user, hasync.Element("password")?.Value ?? "");
        var client = new Client(http, url, records);

        var remote = await client.CallAsync("host_firmware_version", new object[] { "", 240 }, ct).ConfigureAwait(false) as OrderedDictionary<string, object>;
        string own = config.Element("version")?.Value.Trim() ?? "";
        string? peerVersion = remote?.GetValueOrDefault("config_version")?.ToString();
        records.LogError(Script, $"XMLRPC versioncheck: {peerVersion} -- {own}");
        if (peerVersion == null)
        {
            Fail(records, $"The {Product} software configuration version of the other member could not be determined. Skipping synchronization to avoid causing a problem!");
            return;
        }
        if (peerVersion != own)
        {
            Fail(records, $"The other member is on a different configuration version of {Product}. Sync will not be done to prevent problems!");
            return;
        }

        records.ReloadStatus("Signaling CARP reload signal...");
        OrderedDictionary<string, object> payload = Payload(config, hasync, sections, profile);
        object? restored = await client.CallAsync("restore_config_section", new object[] { payload, 900 }, ct).ConfigureAwait(false);
        if (restored is not (null or false))
        {
            records.ReloadStatus($"XMLRPC sync successfully completed with {url}.");
        }
    }

    // carp_check_version() writes its refusals to both records.
    private static void Fail(PfRecords records, string message)
    {
        records.ReloadStatus(message);
        records.LogError(Script, message);
    }

    /// <summary>The sections the ticked boxes send, in rc.filter_synchronize's order ("user" and "group" stand for system/...).</summary>
    private static List<string> SectionsToSync(XElement config, XElement hasync, LabProfile profile)
    {
        // 2.7 tests $hasync[box] != "", 2.8 PHP truthiness; "on" is what the GUI writes either way.
        bool Ticked(string box) => hasync.Element(box)?.Value is string v && v.Length > 0 && v != "0";
        bool IsArray(string section) => config.Element(section)?.HasElements == true;
        var sections = new List<string>();
        void Add(params string[] names) => sections.AddRange(names);

        if (Ticked("synchronizerules")) Add("filter");
        if (Ticked("synchronizenat")) Add("nat");
        if (Ticked("synchronizealiases")) Add("aliases");
        if (Ticked("synchronizedhcpd") && IsArray("dhcpd"))
        {
            Add("dhcpd");
            if (profile.KeaHaSync && IsArray("kea")) Add("kea");
        }
        if (profile.KeaHaSync && Ticked("synchronizekea6") && IsArray("dhcpdv6"))
        {
            Add("dhcpdv6");
            if (IsArray("kea6")) Add("kea6");
        }
        if (Ticked("synchronizedhcrelay") && IsArray("dhcrelay")) Add("dhcrelay");
        if (Ticked("synchronizedhcrelay6") && IsArray("dhcrelay6")) Add("dhcrelay6");
        if (Ticked("synchronizewol")) Add("wol");
        if (Ticked("synchronizetrafficshaper")) Add("shaper");
        if (Ticked("synchronizetrafficshaperlimiter")) Add("dnshaper");
        if (Ticked("synchronizestaticroutes")) Add("staticroutes", "gateways");
        if (Ticked("synchronizevirtualip")) Add("virtualip");
        if (Ticked("synchronizeipsec")) Add("ipsec");
        if (Ticked("synchronizeopenvpn")) Add("openvpn");
        if (Ticked("synchronizecerts") || Ticked("synchronizeopenvpn")) Add("cert", "ca", "crl");
        if (Ticked("synchronizeusers")) Add("user", "group");
        if (Ticked("synchronizeauthservers")) Add("authserver");
        if (Ticked("synchronizednsforwarder"))
        {
            if (IsArray("dnsmasq")) Add("dnsmasq");
            if (IsArray("unbound")) Add("unbound");
        }
        if (Ticked("synchronizeschedules") || Ticked("synchronizerules")) Add("schedules");
        // The lab has no captive portal: synchronizecaptiveportal sends nothing here.
        return sections;
    }

    /// <summary>carp_sync_xml(): what restore_config_section receives.</summary>
    private static OrderedDictionary<string, object> Payload(XElement config, XElement hasync, List<string> sections, LabProfile profile)
    {
        XElement copy = new(config);
        foreach ((string section, string[] path) in NosyncLists)
        {
            XElement? parent = copy.Element(section);
            foreach (string step in path[..^1])
            {
                parent = parent?.Element(step);
            }
            parent?.Elements(path[^1]).Where(item => item.Element("nosync") != null).Remove();
        }
        // The DHCP failover peer of the secondary is this firewall's own address on that interface.
        foreach (XElement dhcpIf in copy.Element("dhcpd")?.Elements() ?? Enumerable.Empty<XElement>())
        {
            string? address = config.Element("interfaces")?.Element(dhcpIf.Name.LocalName)?.Element("ipaddr")?.Value;
            if (dhcpIf.Element("failover_peerip") is XElement peerIp && peerIp.Value.Length > 0 && address != null)
            {
                peerIp.Value = address;
            }
        }
        if (profile.KeaHaSync)
        {
            foreach (string kea in new[] { "kea", "kea6" })
            {
                RewriteKeaHa(config, copy, kea);
            }
        }

        var payload = new OrderedDictionary<string, object>();
        OrderedDictionary<string, object> System() =>
            payload.TryGetValue("system", out object? s) ? (OrderedDictionary<string, object>)s : (OrderedDictionary<string, object>)(payload["system"] = new OrderedDictionary<string, object>());
        XElement? system = copy.Element("system");
        foreach (string section in sections)
        {
            switch (section)
            {
                case "virtualip":
                    payload[section] = new OrderedDictionary<string, object> { ["vip"] = BackupVips(config) };
                    break;
                case "user":
                case "group":
                    System()[section] = (system?.Elements(section) ?? Enumerable.Empty<XElement>()).Select(SimPfConfig.ToValue).ToList();
                    System()[section == "user" ? "nextuid" : "nextgid"] = system?.Element(section == "user" ? "nextuid" : "nextgid")?.Value ?? "";
                    break;
                case "authserver":
                    System()[section] = (system?.Elements(section) ?? Enumerable.Empty<XElement>()).Select(SimPfConfig.ToValue).ToList();
                    break;
                default:
                    payload[section] = Initialized(section, copy.Element(section));
                    break;
            }
        }
        // "Synchronize admin" travels only when it is on.
        if (hasync.Element("adminsync") is XElement adminSync)
        {
            payload["hasync"] = new OrderedDictionary<string, object> { ["adminsync"] = adminSync.Value };
        }
        return payload;
    }

    /// <summary>A section as config_init_path() leaves it before sending: a missing or empty one is an empty array.</summary>
    private static object Initialized(string section, XElement? element)
    {
        object value = element is null ? "" : SimPfConfig.ToValue(element);
        if (value is not OrderedDictionary<string, object> members)
        {
            members = new OrderedDictionary<string, object>();
        }
        if (section == "staticroutes" && !members.ContainsKey("route"))
        {
            members["route"] = new List<object>();
        }
        return members;
    }

    /// <summary>
    /// 2.8's Kea HA rewrite (rc.filter_synchronize 6a92af1458 l.140-175): local/remote address and port swapped where
    /// set, this firewall's local name (or hostname) as the remote name, the role flipped, the local name and TLS
    /// settings dropped. It is done whether or not the firewall has a Kea HA block; the block travels only with kea.
    /// </summary>
    private static void RewriteKeaHa(XElement config, XElement copy, string kea)
    {
        XElement? own = config.Element(kea)?.Element("ha");
        string? Own(string key) => own?.Element(key)?.Value;
        XElement section = copy.Element(kea) ?? Added(copy, new XElement(kea));
        XElement ha = section.Element("ha") ?? Added(section, new XElement("ha"));
        foreach ((string from, string to) in new[] { ("localip", "remoteip"), ("remoteip", "localip"), ("localport", "remoteport"), ("remoteport", "localport") })
        {
            if (Own(from) is string value && value.Length > 0 && value != "0")
            {
                Set(ha, to, value);
            }
        }
        Set(ha, "remotename", (Own("localname") ?? config.Element("system")?.Element("hostname")?.Value ?? Product).Trim());
        string? role = (Own("role") ?? "primary") switch { "primary" => "standby", "standby" => "primary", _ => null };
        if (role is null)
        {
            // PHP's match() throws UnhandledMatchError here: the real script dies.
            throw new LabSetupError($"{kea}/ha/role is '{Own("role")}', which pfSense's rc.filter_synchronize cannot flip");
        }
        Set(ha, "role", role);
        foreach (string key in new[] { "localname", "tls", "mutualtls", "scertref", "ccertref" })
        {
            ha.Elements(key).Remove();
        }
    }

    private static void Set(XElement parent, string key, string value)
    {
        if (parent.Element(key) is XElement existing)
        {
            existing.Value = value;
        }
        else
        {
            parent.Add(new XElement(key, value));
        }
    }

    private static XElement Added(XElement parent, XElement child)
    {
        parent.Add(child);
        return child;
    }

    /// <summary>
    /// backup_vip_config_section(): CARP VIPs and IP aliases stacked on a CARP VIP or lo0 (other modes too), advskew
    /// + 100 and advbase both capped at 254, sent as integers.
    /// </summary>
    private static List<object> BackupVips(XElement config)
    {
        var vips = new List<object>();
        foreach (XElement vip in config.Element("virtualip")?.Elements("vip") ?? Enumerable.Empty<XElement>())
        {
            string mode = (string?)vip.Element("mode") ?? "";
            string iface = (string?)vip.Element("interface") ?? "";
            if ((mode == "proxyarp" || mode == "ipalias") && !iface.Contains("_vip", StringComparison.Ordinal) && !iface.Contains("lo0", StringComparison.Ordinal))
            {
                continue;
            }
            var copy = (OrderedDictionary<string, object>)SimPfConfig.ToValue(vip);
            if (copy.GetValueOrDefault("advskew") is string skew && skew.Length > 0)
            {
                copy["advskew"] = (int)Math.Min(SimPfConfig.IntVal(skew) + 100, 254);
            }
            if (copy.GetValueOrDefault("advbase") is string advbase && advbase.Length > 0)
            {
                copy["advbase"] = (int)Math.Min(SimPfConfig.IntVal(advbase), 254);
            }
            vips.Add(copy);
        }
        return vips;
    }

    /// <summary>HTTPS to the peer, trusting exactly the certificate whose fingerprint the lab wrote for it.</summary>
    private static HttpClient PinnedClient(string stateDir, string peer, string user, string password)
    {
        string fingerprintPath = Path.Combine(XmlRpcUsers.Directory(stateDir, peer), "fingerprint");
        string pinned = File.Exists(fingerprintPath) ? File.ReadAllText(fingerprintPath).Trim() : throw new LabSetupError($"no pinned certificate for {peer} ({fingerprintPath})");
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert is X509Certificate2 c && LabCertificate.Fingerprint(c) == pinned,
        };
        // pfSense waits 240 s per attempt (900 s for restore_config_section); the lab gives up sooner.
        var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        return client;
    }

    /// <summary>xmlrpc_client.inc's pfsense_xmlrpc_client: each call up to 4 attempts, 1 s apart, every step logged.</summary>
    private sealed class Client
    {
        private readonly HttpClient http;
        private readonly string url;
        private readonly PfRecords records;

        public Client(HttpClient http, string url, PfRecords records)
        {
            this.http = http;
            this.url = url;
            this.records = records;
        }

        /// <summary>The call's answer, or null when every attempt failed.</summary>
        public async Task<object?> CallAsync(string method, object[] parameters, CancellationToken ct)
        {
            string body = SimXmlRpcCodec.MethodCall("pfsense." + method, parameters);
            for (int attempt = 1; attempt <= Attempts; attempt++)
            {
                string? error = null;
                object? answer = null;
                records.LogError(Script, $"Beginning XMLRPC sync data to {url}.");
                try
                {
                    using var content = new StringContent(body, Encoding.UTF8, "text/xml");
                    using HttpResponseMessage response = await http.PostAsync(url, content, ct).ConfigureAwait(false);
                    response.EnsureSuccessStatusCode();
                    answer = SimXmlRpcCodec.ParseResponse(await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false));
                }
                catch (XmlRpcFault fault)
                {
                    // The server's fault: logged and noticed on every attempt.
                    error = $"Exception calling XMLRPC method {method} #{fault.Code.ToString(CultureInfo.InvariantCulture)} : {fault.Message}";
                    records.LogError(Script, error);
                    records.Notice(Script, error);
                }
                catch (Exception transport) when (transport is HttpRequestException || (transport is TaskCanceledException && !ct.IsCancellationRequested))
                {
                    error = $"A communications error occurred while attempting to call XMLRPC method {method}: {CurlMessage(transport)}";
                }

                if (error == null)
                {
                    records.LogError(Script, $"XMLRPC reload data success with {url} (pfsense.{method}).");
                    return answer;
                }
                if (attempt < Attempts)
                {
                    records.LogError(Script, $"Retrying XMLRPC Request due to error: {error}");
                    await Task.Delay(1000, ct).ConfigureAwait(false);
                }
                else
                {
                    records.LogError(Script, error);
                    records.Notice(Script, error);
                }
            }
            return null;
        }

        // What curl would say, as near as .NET tells it.
        private string CurlMessage(Exception error)
        {
            var uri = new Uri(url);
            return error switch
            {
                TaskCanceledException => $"Operation timed out after {http.Timeout.TotalMilliseconds:0} milliseconds with 0 bytes received",
                HttpRequestException { InnerException: SocketException socket } => $"Failed to connect to {uri.Host} port {uri.Port}: {socket.Message}",
                _ => error.Message,
            };
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

    /// <summary>The lab itself is broken (not a pfSense path): a message on stderr and exit status 1.</summary>
    private sealed class LabSetupError : Exception
    {
        public LabSetupError(string message)
            : base(message)
        {
        }
    }
}
