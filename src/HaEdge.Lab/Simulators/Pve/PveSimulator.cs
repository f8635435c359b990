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
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HaEdge.Lab.Pve;

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
    /// null requires <c>--fake-vms</c> (an in-memory stand-in for the simulator's own tests).</summary>
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

/// <summary>Command-line options shared by serve-pve and serve-xmlrpc.</summary>
internal sealed record SimulatorOptions(string Name, IPEndPoint Listen, string StateDir, IReadOnlyDictionary<string, string> Values, IReadOnlySet<string> Flags)
{
    /// <summary>Parses <c>--name-option X --listen ip:port --state-dir D</c> plus other <c>--key value</c> pairs and bare flags.</summary>
    public static SimulatorOptions Parse(string[] args, string nameOption)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var flags = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < args.Length; i++)
        {
            if (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                values[args[i]] = args[++i];
            }
            else
            {
                flags.Add(args[i]);
            }
        }
        string Required(string key) => values.TryGetValue(key, out string? v) ? v : throw new ArgumentException($"missing {key}");
        // Port 0: the server binds a free port itself and prints it (tests on loopback never race for one).
        if (!IPEndPoint.TryParse(Required("--listen"), out IPEndPoint? listen))
        {
            throw new ArgumentException($"--listen must be <ip>:<port>, got '{values["--listen"]}'");
        }
        return new SimulatorOptions(Required(nameOption), listen, Path.GetFullPath(Required("--state-dir")), values, flags);
    }
}

/// <summary>Kestrel with one HTTPS endpoint and no framework noise on the console.</summary>
internal static class SimulatorHost
{
    public static WebApplication Build(IPEndPoint listen, X509Certificate2 cert)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = Array.Empty<string>(), ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(listen, endpoint =>
        {
            // pveproxy and pfSense's nginx as the clients meet them: HTTP/1.1, where the status line carries a reason.
            endpoint.Protocols = Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http1;
            endpoint.UseHttps(cert);
        }));
        return builder.Build();
    }

    /// <summary>Starts the server, then prints <paramref name="started"/>'s banner for the address it bound (the real
    /// port when --listen gave 0): readers wait for that line, so the server is listening once they see it.</summary>
    public static async Task<int> RunAsync(WebApplication app, string verb, Func<IPEndPoint, string> started, CancellationToken cancellationToken)
    {
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException error)
        {
            // Typically the address is taken or not configured in this namespace: one line, not a stack trace.
            Console.Error.WriteLine($"{verb}: {error.Message}");
            return 1;
        }
        Console.WriteLine(started(BoundEndpoint(app)));
        // The host's own SIGTERM/Ctrl+C handling stops it too: wait for whichever comes first.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, app.Lifetime.ApplicationStopping);
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Normal shutdown.
        }
        await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        return 0;
    }

    private static IPEndPoint BoundEndpoint(WebApplication app)
    {
        string address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        var uri = new Uri(address);
        return new IPEndPoint(IPAddress.Parse(uri.Host.Trim('[', ']')), uri.Port);
    }
}
