using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using HaEdge.Lab.Simulators.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace HaEdge.Lab.Simulators.Pve;

/// <summary>
/// The Proxmox VE API simulator: <c>serve-pve --node pve1 --listen &lt;ip&gt;:8006 --state-dir &lt;dir&gt; [--profile NAME] [--fake-vms]</c>.
/// The profile's Proxmox VE major decides which HA API the cluster has (<see cref="PveHa"/>).
/// HTTPS with a self-signed certificate (&lt;state-dir&gt;/pve/cert.pem, key.pem, fingerprint), API tokens from
/// &lt;state-dir&gt;/pve/tokens.json, one shared cluster state for both node processes.
/// </summary>
public static class PveSimulator
{
    // Perl's JSON encoder leaves ' + < > as they are; so do we.
    private static readonly JsonSerializerOptions PlainJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Runs until <paramref name="cancellationToken"/> fires. <paramref name="vmControl"/> acts on the lab;
    /// null requires <c>--fake-vms</c> (<see cref="FakeLabVmControl"/>, VMs with no network behind them, for the simulators' own tests).</summary>
    public static async Task<int> RunAsync(string[] args, ILabVmControl? vmControl, CancellationToken cancellationToken)
    {
        SimulatorOptions options = SimulatorOptions.Parse(args, "--node");
        string pveDir = Path.Combine(options.StateDir, "pve");
        Directory.CreateDirectory(pveDir);
        ILabVmControl vms = vmControl
            ?? (options.Flags.Contains("--fake-vms") ? new FakeLabVmControl(pveDir) : throw new ArgumentException("serve-pve: no VM control; pass --fake-vms for a lab-less run"));

        using X509Certificate2 cert = LabCertificate.LoadOrCreate(pveDir, options.Name, options.Listen.Address);
        string fingerprint = LabCertificate.Fingerprint(cert);
        var tokens = new PveTokens(pveDir);
        string localIp = options.Listen.Address.Equals(IPAddress.Any) ? "" : options.Listen.Address.ToString();
        var store = new PveStore(pveDir);
        store.Seed(vms, options.Name, localIp);
        var files = new PveFiles(pveDir);
        files.EnsureDefaults(vms.Vms, options.Name, localIp);
        var tasks = new PveTasks(store, cancellationToken);
        var power = new PveVmPower(store, tasks, vms, options.Name);
        var api = new PveApi(store, files, tasks, power, vms, options.Name, fingerprint, LabProfile.FromArguments(args));
        _ = Task.Run(() => power.RunLocalResourceManagerAsync(cancellationToken));

        WebApplication app = SimulatorHost.Build(options.Listen, cert);
        app.Run(context => HandleAsync(context, tokens, files, api));
        return await SimulatorHost.RunAsync(app, "serve-pve", bound => $"serve-pve {options.Name} on https://{bound} (fingerprint {fingerprint})", cancellationToken).ConfigureAwait(false);
    }

    private static async Task HandleAsync(HttpContext context, PveTokens tokens, PveFiles files, PveApi api)
    {
        const string prefix = "/api2/json";
        string path = context.Request.Path.Value ?? "";
        try
        {
            if (!path.StartsWith(prefix + "/", StringComparison.Ordinal))
            {
                throw new PveError(501, $"Method '{context.Request.Method} {path}' not implemented");
            }
            string apiPath = path[prefix.Length..].TrimEnd('/');
            PveToken token = tokens.Authenticate(context.Request.Headers.Authorization.ToString());
            if (files.TakeInjectedFailure(context.Request.Method, apiPath) is (int status, string message))
            {
                throw new PveError(status, message);
            }
            string[] segments = apiPath.Split('/', StringSplitOptions.RemoveEmptyEntries);
            var request = new PveRequest(context.Request.Method, segments, await ReadParametersAsync(context.Request).ConfigureAwait(false), token);
            JsonNode? data = await api.HandleAsync(request, context.RequestAborted).ConfigureAwait(false);
            await WriteAsync(context, 200, null, new JsonObject { ["data"] = data }).ConfigureAwait(false);
        }
        catch (PveError error)
        {
            var body = new JsonObject { ["data"] = null };
            if (error.Errors is not null)
            {
                body["errors"] = error.Errors;
            }
            // Handlers die with "text\n"; pve-manager's own 501 for an unknown path has no newline.
            body["message"] = error.Status == 501 ? error.Message : error.Message + "\n";
            await WriteAsync(context, error.Status, error.Message, body).ConfigureAwait(false);
        }
    }

    private static async Task WriteAsync(HttpContext context, int status, string? reason, JsonObject body)
    {
        context.Response.StatusCode = status;
        if (reason is not null && context.Features.Get<IHttpResponseFeature>() is IHttpResponseFeature feature)
        {
            // pve-http-server puts the error text in the status line; keep it one printable line.
            feature.ReasonPhrase = new string(reason.Select(c => c is >= ' ' and <= '~' ? c : ' ').ToArray());
        }
        context.Response.ContentType = "application/json;charset=UTF-8";
        await context.Response.WriteAsync(body.ToJsonString(PlainJson), context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Query string plus form or JSON body, as PVE's API accepts either.</summary>
    private static async Task<Dictionary<string, string>> ReadParametersAsync(HttpRequest request)
    {
        var parameters = request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
        if (request.HasFormContentType)
        {
            IFormCollection form = await request.ReadFormAsync().ConfigureAwait(false);
            foreach (KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues> field in form)
            {
                parameters[field.Key] = field.Value.ToString();
            }
        }
        else if (request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) == true)
        {
            JsonNode? body = await JsonNode.ParseAsync(request.Body).ConfigureAwait(false);
            foreach ((string key, JsonNode? value) in body as JsonObject ?? new JsonObject())
            {
                parameters[key] = value?.GetValueKind() switch
                {
                    JsonValueKind.True => "1",
                    JsonValueKind.False => "0",
                    JsonValueKind.String => value.GetValue<string>(),
                    _ => value?.ToJsonString() ?? "",
                };
            }
        }
        return parameters;
    }
}
