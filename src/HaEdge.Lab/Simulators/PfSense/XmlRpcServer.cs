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
using HaEdge.Lab.Simulators.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace HaEdge.Lab.Simulators.PfSense;

/// <summary>
/// pfSense's /xmlrpc.php for one lab firewall:
/// <c>serve-xmlrpc --firewall fw1 --listen &lt;ip&gt;:443 --state-dir &lt;dir&gt; [--sync-target &lt;ip&gt;] [--profile NAME]</c>.
/// HTTPS (&lt;state-dir&gt;/&lt;fw&gt;/xmlrpc/cert.pem, key.pem, fingerprint), HTTP Basic auth against
/// xmlrpc/users.json, methods host_firmware_version (the profile's release), backup_config_section,
/// restore_config_section (<see cref="RestoreConfigSection"/>) and merge_config_section over
/// &lt;state-dir&gt;/&lt;fw&gt;/config.xml, with pfSense's sync-loop guard; log_error() lines go to the firewall's
/// /var/log/system.log (<see cref="PfRecords"/>).
/// </summary>
public static class XmlRpcServer
{
    private const string Script = "/xmlrpc.php";

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        SimulatorOptions options = SimulatorOptions.Parse(args, "--firewall");
        LabProfile profile = LabProfile.FromArguments(args);
        LabFirewall firewall = LabPair.Firewall(options.Name);
        LabFirewall peer = LabPair.Peer(firewall);
        // The primary syncs to the peer's sync address; tests on loopback pass --sync-target 127.0.0.1.
        string syncTarget = options.Values.GetValueOrDefault("--sync-target") ?? peer.Address(LabLayout.Sync);

        XmlRpcUsers.EnsureSyncPassword(options.StateDir, firewall.Name);
        // The primary's hasync password is the secondary's sync user password.
        string peerPassword = XmlRpcUsers.EnsureSyncPassword(options.StateDir, peer.Name);
        using X509Certificate2 cert = LabCertificate.LoadOrCreate(XmlRpcUsers.Directory(options.StateDir, firewall.Name), firewall.Name, options.Listen.Address);
        WebApplication app = SimulatorHost.Build(options.Listen, cert);
        var records = new PfRecords(options.StateDir, firewall.Name, "php-fpm", echo: true);
        records.EnsureExist();
        app.Run(context => HandleAsync(context, options.StateDir, firewall.Name, profile, records));
        return await SimulatorHost.RunAsync(app, "serve-xmlrpc", bound =>
        {
            // The webGUI port in config.xml is the one bound (with --listen ...:0 known only now); written before the banner.
            SimPfConfig.EnsureExists(options.StateDir, firewall.Name, () => SimPfDefaultConfig.Create(firewall, syncTarget, peerPassword, bound.Port, profile));
            return $"serve-xmlrpc {firewall.Name} on https://{bound}/xmlrpc.php (fingerprint {LabCertificate.Fingerprint(cert)})";
        }, cancellationToken).ConfigureAwait(false);
    }

    private static async Task HandleAsync(HttpContext context, string stateDir, string firewall, LabProfile profile, PfRecords records)
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
            (string method, List<object> parameters) = SimXmlRpcCodec.ParseCall(body);
            IPAddress caller = context.Connection.RemoteIpAddress ?? IPAddress.None;
            object result = Invoke(stateDir, firewall, profile, records, method, parameters, context.Request.Headers.Authorization.ToString(),
                caller.IsIPv4MappedToIPv6 ? caller.MapToIPv4() : caller);
            response = SimXmlRpcCodec.Response(result);
        }
        catch (XmlRpcFault fault)
        {
            response = SimXmlRpcCodec.Fault(fault.Code, fault.Message);
        }
        catch (System.Xml.XmlException error)
        {
            response = SimXmlRpcCodec.Fault(-32700, "parse error. not well formed: " + error.Message);
        }
        // XML-RPC faults travel in a 200 response, as XML_RPC2 sends them.
        context.Response.ContentType = "text/xml; charset=utf-8";
        await context.Response.WriteAsync(response, context.RequestAborted).ConfigureAwait(false);
    }

    private static object Invoke(string stateDir, string firewall, LabProfile profile, PfRecords records, string method, List<object> parameters,
        string authorization, IPAddress caller)
    {
        if (method is not ("pfsense.host_firmware_version" or "pfsense.backup_config_section" or "pfsense.restore_config_section" or "pfsense.merge_config_section"))
        {
            throw new XmlRpcFault(-32601, "server error. requested method not found");
        }
        string user = XmlRpcUsers.Authenticate(stateDir, firewall, authorization);
        switch (method)
        {
            case "pfsense.host_firmware_version":
                return HostFirmwareVersion(SimPfConfig.Load(stateDir, firewall), profile);
            case "pfsense.backup_config_section":
                var keys = (parameters.FirstOrDefault() as List<object> ?? throw new XmlRpcFault(-32602, "server error. invalid method parameters"))
                    .Select(k => k.ToString() ?? "").ToHashSet(StringComparer.Ordinal);
                var sections = new OrderedDictionary<string, object>();
                // array_intersect_key: the config's own order, only sections that exist.
                foreach (XElement section in SimPfConfig.Load(stateDir, firewall).Elements().Where(e => keys.Contains(e.Name.LocalName)))
                {
                    sections[section.Name.LocalName] = SimPfConfig.ToValue(section);
                }
                return sections;
            default:
                var incoming = parameters.FirstOrDefault() as OrderedDictionary<string, object> ?? throw new XmlRpcFault(-32602, "server error. invalid method parameters");
                bool restore = method == "pfsense.restore_config_section";
                return SimPfConfig.Update(stateDir, firewall, root =>
                {
                    string target = root.Element("hasync")?.Element("synchronizetoip")?.Value.Trim() ?? "";
                    if (target.Length > 0 && IPAddress.TryParse(target, out IPAddress? targetIp) && targetIp.Equals(caller))
                    {
                        records.LogError(Script, "Disallowing CARP sync loop");
                        return true;
                    }
                    string description;
                    if (restore)
                    {
                        description = new RestoreConfigSection(profile, message => records.LogError(Script, message)).Apply(root, incoming);
                    }
                    else
                    {
                        Merge(root, incoming);
                        description = $"Merged in config ({string.Join(", ", incoming.Keys)} sections) from XMLRPC client.";
                    }
                    SimPfConfig.Stamp(root, description, $"{user}@{caller} (Local Database)");
                    return true;
                });
        }
    }

    private static OrderedDictionary<string, object> HostFirmwareVersion(XElement config, LabProfile profile) => new()
    {
        ["firmware"] = new OrderedDictionary<string, object> { ["version"] = profile.VersionFile },
        ["kernel"] = new OrderedDictionary<string, object> { ["version"] = "14.0" },
        ["base"] = new OrderedDictionary<string, object> { ["version"] = "14.0" },
        ["platform"] = "pfSense",
        ["config_version"] = config.Element("version")?.Value.Trim() ?? "",
    };

    /// <summary>
    /// merge_config_section's array_overlay() (xmlrpc.php): every key the receiver has and the call names is overlaid,
    /// structs recursively and list entries by position; what only the call names is ignored, what only the receiver
    /// has stays.
    /// </summary>
    private static void Merge(XElement parent, OrderedDictionary<string, object> members)
    {
        foreach (string name in parent.Elements().Select(e => e.Name.LocalName).Distinct().ToList())
        {
            if (!members.TryGetValue(name, out object? value))
            {
                continue;
            }
            List<XElement> existing = parent.Elements(name).ToList();
            if ((existing.Count > 1 || SimPfConfig.IsListTag(name)) && value is List<object> items)
            {
                for (int i = 0; i < Math.Min(existing.Count, items.Count); i++)
                {
                    Overlay(existing[i], name, items[i]);
                }
            }
            else if (existing.Count == 1)
            {
                Overlay(existing[0], name, value);
            }
            else
            {
                RestoreConfigSection.ReplaceSection(parent, name, value);
            }
        }
    }

    private static void Overlay(XElement element, string name, object value)
    {
        if (element.HasElements && value is OrderedDictionary<string, object> nested)
        {
            Merge(element, nested);
        }
        else
        {
            element.ReplaceWith(SimPfConfig.ToElements(name, value));
        }
    }
}
