using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using System.Xml.Linq;
using HaEdge.Lab.Network;
using HaEdge.Lab.Pve;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace HaEdge.Lab.XmlRpc;

/// <summary>
/// pfSense's /xmlrpc.php for one lab firewall:
/// <c>serve-xmlrpc --firewall fw1 --listen &lt;ip&gt;:443 --state-dir &lt;dir&gt; [--sync-target &lt;ip&gt;]</c>.
/// HTTPS (&lt;state-dir&gt;/&lt;fw&gt;/xmlrpc/cert.pem, key.pem, fingerprint), HTTP Basic auth against
/// xmlrpc/users.json, methods host_firmware_version, backup_config_section, restore_config_section and
/// merge_config_section over &lt;state-dir&gt;/&lt;fw&gt;/config.xml, with pfSense's sync-loop guard.
/// </summary>
public static class XmlRpcServer
{
    /// <summary>What the lab's pfSense reports as its firmware (a 2.7.2 box on FreeBSD 14.0).</summary>
    internal const string FirmwareVersion = "2.7.2-RELEASE";

    // restore_config_section replaces these wholesale (xmlrpc.php); virtualip and system/user+group are special.
    private static readonly HashSet<string> ReplacedSections = new(StringComparer.Ordinal)
    {
        "aliases", "ca", "cert", "crl", "dhcpd", "dhcrelay", "dhcrelay6", "dnshaper", "dnsmasq", "filter", "ipsec",
        "kea", "kea6", "nat", "openvpn", "schedules", "shaper", "unbound", "wol",
    };

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        SimulatorOptions options = SimulatorOptions.Parse(args, "--firewall");
        LabFirewall firewall = LabPair.Firewall(options.Name);
        LabFirewall peer = LabPair.Peer(firewall);
        // The primary syncs to the peer's sync address; tests on loopback pass --sync-target 127.0.0.1.
        string syncTarget = options.Values.GetValueOrDefault("--sync-target") ?? peer.Address(LabLayout.Sync);

        XmlRpcUsers.EnsureSyncPassword(options.StateDir, firewall.Name);
        // The primary's hasync password is the secondary's sync user password.
        string peerPassword = XmlRpcUsers.EnsureSyncPassword(options.StateDir, peer.Name);
        using X509Certificate2 cert = LabCertificate.LoadOrCreate(XmlRpcUsers.Directory(options.StateDir, firewall.Name), firewall.Name, options.Listen.Address);
        WebApplication app = SimulatorHost.Build(options.Listen, cert);
        app.Run(context => HandleAsync(context, options.StateDir, firewall.Name));
        return await SimulatorHost.RunAsync(app, "serve-xmlrpc", bound =>
        {
            // The webGUI port in config.xml is the one bound (with --listen ...:0 known only now); written before the banner.
            PfConfig.EnsureExists(options.StateDir, firewall.Name, () => PfDefaultConfig.Create(firewall, syncTarget, peerPassword, bound.Port));
            return $"serve-xmlrpc {firewall.Name} on https://{bound}/xmlrpc.php (fingerprint {LabCertificate.Fingerprint(cert)})";
        }, cancellationToken).ConfigureAwait(false);
    }

    private static async Task HandleAsync(HttpContext context, string stateDir, string firewall)
    {
        if (context.Request.Path != "/xmlrpc.php" || context.Request.Method != "POST")
        {
            context.Response.StatusCode = 404;
            return;
        }
        string body = await new StreamReader(context.Request.Body).ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
        string response;
        try
        {
            (string method, List<object> parameters) = XmlRpcCodec.ParseCall(body);
            IPAddress caller = context.Connection.RemoteIpAddress ?? IPAddress.None;
            object result = Invoke(stateDir, firewall, method, parameters, context.Request.Headers.Authorization.ToString(), caller.IsIPv4MappedToIPv6 ? caller.MapToIPv4() : caller);
            response = XmlRpcCodec.Response(result);
        }
        catch (XmlRpcFault fault)
        {
            response = XmlRpcCodec.Fault(fault.Code, fault.Message);
        }
        catch (System.Xml.XmlException error)
        {
            response = XmlRpcCodec.Fault(-32700, "parse error. not well formed: " + error.Message);
        }
        // XML-RPC faults travel in a 200 response, as XML_RPC2 sends them.
        context.Response.ContentType = "text/xml; charset=utf-8";
        await context.Response.WriteAsync(response, context.RequestAborted).ConfigureAwait(false);
    }

    private static object Invoke(string stateDir, string firewall, string method, List<object> parameters, string authorization, IPAddress caller)
    {
        if (method is not ("pfsense.host_firmware_version" or "pfsense.backup_config_section" or "pfsense.restore_config_section" or "pfsense.merge_config_section"))
        {
            throw new XmlRpcFault(-32601, "server error. requested method not found");
        }
        string user = XmlRpcUsers.Authenticate(stateDir, firewall, authorization);
        switch (method)
        {
            case "pfsense.host_firmware_version":
                return HostFirmwareVersion(PfConfig.Load(stateDir, firewall));
            case "pfsense.backup_config_section":
                var keys = (parameters.FirstOrDefault() as List<object> ?? throw new XmlRpcFault(-32602, "server error. invalid method parameters"))
                    .Select(k => k.ToString() ?? "").ToHashSet(StringComparer.Ordinal);
                var sections = new OrderedDictionary<string, object>();
                // array_intersect_key: the config's own order, only sections that exist.
                foreach (XElement section in PfConfig.Load(stateDir, firewall).Elements().Where(e => keys.Contains(e.Name.LocalName)))
                {
                    sections[section.Name.LocalName] = PfConfig.ToValue(section);
                }
                return sections;
            default:
                var incoming = parameters.FirstOrDefault() as OrderedDictionary<string, object> ?? throw new XmlRpcFault(-32602, "server error. invalid method parameters");
                bool restore = method == "pfsense.restore_config_section";
                return PfConfig.Update(stateDir, firewall, root =>
                {
                    string target = root.Element("hasync")?.Element("synchronizetoip")?.Value.Trim() ?? "";
                    if (target.Length > 0 && IPAddress.TryParse(target, out IPAddress? targetIp) && targetIp.Equals(caller))
                    {
                        PfLog.Write(stateDir, firewall, "/xmlrpc.php", "Disallowing CARP sync loop");
                        return true;
                    }
                    if (restore)
                    {
                        Restore(root, incoming);
                    }
                    else
                    {
                        Merge(root, incoming);
                    }
                    string description = $"Merged in config ({string.Join(", ", incoming.Keys)} sections) from XMLRPC client.";
                    PfConfig.Stamp(root, description, $"{user}@{caller} (Local Database)");
                    PfLog.Write(stateDir, firewall, "/xmlrpc.php", description);
                    return true;
                });
        }
    }

    private static OrderedDictionary<string, object> HostFirmwareVersion(XElement config) => new()
    {
        ["firmware"] = new OrderedDictionary<string, object> { ["version"] = FirmwareVersion },
        ["kernel"] = new OrderedDictionary<string, object> { ["version"] = "14.0" },
        ["base"] = new OrderedDictionary<string, object> { ["version"] = "14.0" },
        ["platform"] = "pfSense",
        ["config_version"] = config.Element("version")?.Value.Trim() ?? "",
    };

    private static void Restore(XElement root, OrderedDictionary<string, object> sections)
    {
        foreach ((string name, object value) in sections)
        {
            if (name == "system")
            {
                // Users and groups only travel together; the rest of <system> stays the receiver's own.
                if (value is OrderedDictionary<string, object> system && system.ContainsKey("user") && system.ContainsKey("group"))
                {
                    XElement local = root.Element("system") ?? new XElement("system");
                    local.Elements().Where(e => e.Name.LocalName is "user" or "group").Remove();
                    local.Add(PfConfig.ToElements("group", system["group"]).Concat(PfConfig.ToElements("user", system["user"])));
                }
            }
            else if (name == "virtualip")
            {
                // CARP VIPs (and IP aliases stacked on them) come from the primary; the receiver keeps its other VIPs.
                XElement local = root.Element("virtualip") ?? AddSection(root, new XElement("virtualip"));
                local.Elements("vip").Where(v => (string?)v.Element("mode") == "carp" || ((string?)v.Element("interface") ?? "").StartsWith("_vip", StringComparison.Ordinal)).Remove();
                local.Add(PfConfig.ToElements("virtualip", value).SelectMany(v => v.Elements("vip")));
            }
            else if (ReplacedSections.Contains(name))
            {
                ReplaceSection(root, name, value);
            }
            else
            {
                // Everything else (gateways, staticroutes, ...) goes through array_merge_recursive_unique.
                Merge(root, new OrderedDictionary<string, object> { [name] = value });
            }
        }
    }

    /// <summary>
    /// pfSense's recursive overlay (array_overlay / array_merge_recursive_unique): struct members merge by name, list
    /// items by position, anything else is replaced. Items the receiver has beyond the sent list stay.
    /// </summary>
    private static void Merge(XElement parent, OrderedDictionary<string, object> members)
    {
        foreach ((string name, object value) in members)
        {
            List<XElement> existing = parent.Elements(name).ToList();
            List<object> items = value as List<object> ?? new List<object> { value };
            if (existing.Count == 0 || (value is not List<object> && existing.Count > 1))
            {
                ReplaceSection(parent, name, value);
                continue;
            }
            for (int i = 0; i < items.Count; i++)
            {
                if (i < existing.Count && items[i] is OrderedDictionary<string, object> nested && existing[i].HasElements)
                {
                    Merge(existing[i], nested);
                    continue;
                }
                List<XElement> replacement = PfConfig.ToElements(name, items[i]).ToList();
                if (i < existing.Count)
                {
                    existing[i].ReplaceWith(replacement);
                }
                else if (parent.Elements(name).LastOrDefault() is XElement last)
                {
                    last.AddAfterSelf(replacement);
                }
                else
                {
                    parent.Add(replacement);
                }
            }
        }
    }

    private static void ReplaceSection(XElement parent, string name, object value)
    {
        List<XElement> replacement = PfConfig.ToElements(name, value).ToList();
        XElement? first = parent.Element(name);
        if (first is null)
        {
            parent.Add(replacement);
            return;
        }
        first.AddBeforeSelf(replacement);
        parent.Elements(name).Except(replacement).Remove();
    }

    private static XElement AddSection(XElement root, XElement section)
    {
        root.Add(section);
        return section;
    }
}

/// <summary>The two lab firewalls of <see cref="LabLayout"/>, each the other's peer.</summary>
internal static class LabPair
{
    public static LabFirewall Firewall(string name) =>
        LabLayout.Firewalls.FirstOrDefault(f => f.Name == name)
        ?? throw new ArgumentException($"unknown firewall '{name}' (lab firewalls: {string.Join(", ", LabLayout.Firewalls.Select(f => f.Name))})");

    public static LabFirewall Peer(LabFirewall firewall) => LabLayout.Firewalls.Single(f => f.Name != firewall.Name);
}

/// <summary>pfSense's system log of a lab firewall: <c>&lt;state-dir&gt;/&lt;fw&gt;/system.log</c>, syslog style.</summary>
internal static class PfLog
{
    public static void Write(string stateDir, string firewall, string program, string message)
    {
        string line = $"{DateTime.Now.ToString("MMM d HH:mm:ss", CultureInfo.InvariantCulture)} {firewall} php-fpm[{Environment.ProcessId}]: {program}: {message}";
        Console.Error.WriteLine(line);
        string path = Path.Combine(stateDir, firewall, "system.log");
        using (StateFile.Lock(path))
        {
            File.AppendAllText(path, line + "\n");
        }
    }
}
