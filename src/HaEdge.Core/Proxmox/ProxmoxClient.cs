using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace HaEdge.Core.Proxmox;

/// <summary>
/// <see cref="IProxmoxClient"/> over HTTPS with an API token. TLS is checked by the platform unless a fingerprint
/// is pinned for the endpoint, in which case exactly that certificate is accepted there (another endpoint's is not);
/// the check lives on this client's own handler only.
/// </summary>
internal sealed class ProxmoxClient : IProxmoxClient
{
    private readonly ProxmoxClientOptions options;
    private readonly HttpClient http;

    // Endpoint authority -> fingerprint of the certificate our validation refused (read back when the call fails).
    private readonly ConcurrentDictionary<string, string> refusedCertificates = new ConcurrentDictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    // Index of the endpoint that answered last: the next call starts there instead of waiting on a dead node again.
    private int preferredEndpoint;

    public ProxmoxClient(ProxmoxClientOptions options)
        : this(options, null)
    {
    }

    /// <summary>For tests: <paramref name="handler"/> replaces the TLS-checking handler when given.</summary>
    internal ProxmoxClient(ProxmoxClientOptions options, HttpMessageHandler? handler)
    {
        this.options = options ?? throw new ArgumentNullException(nameof(options));
        http = new HttpClient(handler ?? CreateHandler(), disposeHandler: true)
        {
            // Each call gets its own deadline (options.Timeout) so that a slow node can fail over.
            Timeout = System.Threading.Timeout.InfiniteTimeSpan,
        };
    }

    public ProxmoxClientOptions Options => options;

    /// <summary>How often <see cref="WaitForTaskAsync"/> asks for the task status.</summary>
    internal TimeSpan TaskPollInterval { get; set; } = TimeSpan.FromMilliseconds(300);

    public override string ToString() => "Proxmox " + options;

    public void Dispose() => http.Dispose();

    public Task<string?> GetVersionAsync(CancellationToken cancellationToken = default) =>
        GetAsync("/version", null, data => JsonValue.String(data, "version"), cancellationToken);

    public Task<ClusterStatus> GetClusterStatusAsync(CancellationToken cancellationToken = default) =>
        GetAsync("/cluster/status", null, ProxmoxMapper.ToClusterStatus, cancellationToken);

    public Task<IReadOnlyList<ProxmoxNode>> GetNodesAsync(CancellationToken cancellationToken = default) =>
        GetAsync("/nodes", null, ProxmoxMapper.ToNodes, cancellationToken);

    public Task<IReadOnlyList<VmResource>> GetVmsAsync(CancellationToken cancellationToken = default) =>
        GetAsync("/cluster/resources?type=vm", null, ProxmoxMapper.ToVms, cancellationToken);

    public Task<VmStatus> GetVmStatusAsync(string node, int vmId, CancellationToken cancellationToken = default) =>
        GetAsync(VmPath(node, vmId, "/status/current"), node, ProxmoxMapper.ToVmStatus, cancellationToken);

    public async Task<VmConfig> GetVmConfigAsync(string node, int vmId, CancellationToken cancellationToken = default)
    {
        try
        {
            return await GetAsync(VmPath(node, vmId, "/config"), node, ProxmoxMapper.ToVmConfig, cancellationToken).ConfigureAwait(false);
        }
        catch (HaEdgeException error) when (error.ErrorId is "ProxmoxInvalidNetDevice" or "ProxmoxInvalidPciPassthrough")
        {
            // The parser knows the key, not the VM: say which VM on which node carries the bad value.
            throw new HaEdgeException(error.ErrorId, error.Kind, $"VM {vmId.ToString(CultureInfo.InvariantCulture)} on {node}: {error.Message}", node, error);
        }
    }

    public Task<VmFirewallOptions> GetVmFirewallOptionsAsync(string node, int vmId, CancellationToken cancellationToken = default) =>
        GetAsync(VmPath(node, vmId, "/firewall/options"), node, ProxmoxMapper.ToFirewallOptions, cancellationToken);

    public Task<IReadOnlyList<NodeNetworkInterface>> GetNodeNetworkAsync(string node, CancellationToken cancellationToken = default) =>
        GetAsync("/nodes/" + Segment(node) + "/network", node, ProxmoxMapper.ToNetwork, cancellationToken);

    public Task<IReadOnlyList<HaResource>> GetHaResourcesAsync(CancellationToken cancellationToken = default) =>
        GetAsync("/cluster/ha/resources", null, ProxmoxMapper.ToHaResources, cancellationToken);

    public Task<IReadOnlyList<HaRule>> GetHaRulesAsync(CancellationToken cancellationToken = default) =>
        GetAsync("/cluster/ha/rules", null, ProxmoxMapper.ToHaRules, cancellationToken);

    public async Task<IReadOnlyList<HaGroup>> GetHaGroupsAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await GetAsync("/cluster/ha/groups", null, ProxmoxMapper.ToHaGroups, cancellationToken).ConfigureAwait(false);
        }
        catch (HaEdgeException error) when (error.ErrorId == "ProxmoxServerError" && error.Message.IndexOf("migrated to rules", StringComparison.OrdinalIgnoreCase) >= 0)
        {
            // PVE 9 refuses the groups endpoint once groups became node-affinity rules: there are no groups.
            return Array.Empty<HaGroup>();
        }
    }

    public Task<IReadOnlyList<HaStatusEntry>> GetHaStatusAsync(CancellationToken cancellationToken = default) =>
        GetAsync("/cluster/ha/status/current", null, ProxmoxMapper.ToHaStatus, cancellationToken);

    public Task<ProxmoxTaskStatus> GetTaskStatusAsync(Upid upid, CancellationToken cancellationToken = default)
    {
        if (upid == null) throw new ArgumentNullException(nameof(upid));
        return GetAsync("/nodes/" + Segment(upid.Node) + "/tasks/" + Segment(upid.Text) + "/status", upid.Node, ProxmoxMapper.ToTaskStatus, cancellationToken);
    }

    public async Task<ProxmoxTaskStatus> WaitForTaskAsync(Upid upid, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        if (upid == null) throw new ArgumentNullException(nameof(upid));
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var status = await GetTaskStatusAsync(upid, cancellationToken).ConfigureAwait(false);
            if (!status.IsRunning)
            {
                if (status.Succeeded) return status;
                throw new HaEdgeException("ProxmoxTaskFailed", FailureKind.InvalidOperation,
                    $"Proxmox task {upid.Type} {upid.Id} on {upid.Node} failed: {(status.ExitStatus == null ? "no exit status" : UntrustedText.ForMessage(status.ExitStatus))}.", upid.Node);
            }

            var remaining = timeout - clock.Elapsed;
            if (remaining <= TimeSpan.Zero)
            {
                throw new HaEdgeException("ProxmoxTaskTimeout", FailureKind.OperationTimeout,
                    $"Proxmox task {upid.Type} {upid.Id} on {upid.Node} still runs after {Seconds(timeout)} s.", upid.Node);
            }
            await Task.Delay(remaining < TaskPollInterval ? remaining : TaskPollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    public Task<Upid> StartVmAsync(string node, int vmId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, VmPath(node, vmId, "/status/start"), null, node, ToUpid, cancellationToken);

    public Task<Upid> StopVmAsync(string node, int vmId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, VmPath(node, vmId, "/status/stop"), null, node, ToUpid, cancellationToken);

    public Task<Upid> ShutdownVmAsync(string node, int vmId, TimeSpan? timeout = null, bool forceStop = false, CancellationToken cancellationToken = default)
    {
        var form = new List<KeyValuePair<string, string>>();
        if (timeout.HasValue) form.Add(Field("timeout", Seconds(timeout.Value)));
        if (forceStop) form.Add(Field("forceStop", "1"));
        return SendAsync(HttpMethod.Post, VmPath(node, vmId, "/status/shutdown"), form, node, ToUpid, cancellationToken);
    }

    public Task SetNetDeviceAsync(string node, int vmId, NetDevice device, string? digest = null, CancellationToken cancellationToken = default)
    {
        if (device == null) throw new ArgumentNullException(nameof(device));
        var form = new List<KeyValuePair<string, string>> { Field(device.Key, device.ToPropertyString()) };
        if (digest != null) form.Add(Field("digest", digest));
        return SendAsync(HttpMethod.Put, VmPath(node, vmId, "/config"), form, node, IgnoreData, cancellationToken);
    }

    public Task CreateHaRuleAsync(HaRule rule, CancellationToken cancellationToken = default)
    {
        var form = RuleForm(rule);
        form.Insert(0, Field("rule", rule.Rule));
        if (rule.Disabled) form.Add(Field("disable", "1"));
        return SendAsync(HttpMethod.Post, "/cluster/ha/rules", form, null, IgnoreData, cancellationToken);
    }

    public Task UpdateHaRuleAsync(HaRule rule, CancellationToken cancellationToken = default)
    {
        var form = RuleForm(rule);
        // Rules.pm drops a falsy disable before anything else (c060bc4): only deleting the key enables a rule.
        form.Add(rule.Disabled ? Field("disable", "1") : Field("delete", "disable"));
        if (rule.Digest != null) form.Add(Field("digest", rule.Digest));
        return SendAsync(HttpMethod.Put, "/cluster/ha/rules/" + Segment(rule.Rule), form, null, IgnoreData, cancellationToken);
    }

    public Task DeleteHaRuleAsync(string rule, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, "/cluster/ha/rules/" + Segment(rule), null, null, IgnoreData, cancellationToken);

    public Task CreateHaGroupAsync(HaGroup group, CancellationToken cancellationToken = default)
    {
        if (group == null) throw new ArgumentNullException(nameof(group));
        if (string.IsNullOrWhiteSpace(group.Group) || group.Nodes.Count == 0)
        {
            throw new HaEdgeException("ProxmoxInvalidHaGroup", FailureKind.InvalidArgument, "An HA group needs an id and at least one node.", group.Group);
        }
        var form = new List<KeyValuePair<string, string>>
        {
            Field("group", group.Group),
            Field("nodes", HaNodePriority.FormatList(group.Nodes)),
            Field("restricted", group.Restricted ? "1" : "0"),
            Field("nofailback", group.NoFailback ? "1" : "0"),
        };
        if (group.Comment != null) form.Add(Field("comment", group.Comment));
        return SendAsync(HttpMethod.Post, "/cluster/ha/groups", form, null, IgnoreData, cancellationToken);
    }

    public Task SetHaResourceGroupAsync(string sid, string group, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Put, "/cluster/ha/resources/" + Segment(sid), new[] { Field("group", group) }, null, IgnoreData, cancellationToken);

    private static List<KeyValuePair<string, string>> RuleForm(HaRule rule)
    {
        if (rule == null) throw new ArgumentNullException(nameof(rule));
        if (string.IsNullOrWhiteSpace(rule.Rule) || rule.Type == HaRuleType.Unknown || rule.Resources.Count == 0)
        {
            throw new HaEdgeException("ProxmoxInvalidHaRule", FailureKind.InvalidArgument,
                "An HA rule needs an id, a type (node-affinity or resource-affinity) and at least one resource.", rule.Rule);
        }
        var form = new List<KeyValuePair<string, string>>
        {
            Field("type", rule.TypeName),
            Field("resources", string.Join(",", rule.Resources)),
        };
        if (rule.Type == HaRuleType.ResourceAffinity)
        {
            if (!rule.Affinity.HasValue)
                throw new HaEdgeException("ProxmoxInvalidHaRule", FailureKind.InvalidArgument, $"Resource-affinity rule '{rule.Rule}' needs an affinity (positive or negative).", rule.Rule);
            form.Add(Field("affinity", rule.Affinity.Value == HaAffinity.Negative ? "negative" : "positive"));
        }
        else
        {
            form.Add(Field("nodes", HaNodePriority.FormatList(rule.Nodes)));
            form.Add(Field("strict", rule.Strict ? "1" : "0"));
        }
        if (rule.Comment != null) form.Add(Field("comment", rule.Comment));
        return form;
    }

    private Task<T> GetAsync<T>(string path, string? node, Func<JsonElement, T> map, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, path, null, node, map, cancellationToken);

    /// <summary>
    /// Sends the call to the preferred endpoint and fails over to the next one when a node cannot be reached.
    /// An answer with an HTTP error is final: the cluster spoke, another node would say the same.
    /// </summary>
    private async Task<T> SendAsync<T>(HttpMethod method, string path, IReadOnlyList<KeyValuePair<string, string>>? form, string? node,
        Func<JsonElement, T> map, CancellationToken cancellationToken)
    {
        var endpoints = options.Endpoints;
        var first = Volatile.Read(ref preferredEndpoint);
        var failures = new List<EndpointFailure>();
        for (var attempt = 0; attempt < endpoints.Count; attempt++)
        {
            var index = (first + attempt) % endpoints.Count;
            var endpoint = endpoints[index];
            HttpResponseMessage response;
            using (var request = CreateRequest(method, endpoint, path, form))
            using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                deadline.CancelAfter(options.Timeout);
                try
                {
                    response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, deadline.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    failures.Add(new EndpointFailure(endpoint, FailureKind.OperationTimeout, $"no answer within {Seconds(options.Timeout)} s", null));
                    // A write that timed out may still be applied; sending it to another node could do it twice.
                    if (method == HttpMethod.Get) continue;
                    break;
                }
                catch (HttpRequestException error)
                {
                    failures.Add(refusedCertificates.TryRemove(endpoint.Authority, out var fingerprint)
                        ? new EndpointFailure(endpoint, FailureKind.SecurityError, InnermostMessage(error), fingerprint)
                        : new EndpointFailure(endpoint, FailureKind.ConnectionError, InnermostMessage(error), null));
                    continue;
                }
            }

            Volatile.Write(ref preferredEndpoint, index);
            using (response)
            {
                var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
                var target = node ?? endpoint.Authority;
                if (!response.IsSuccessStatusCode) throw HttpError(method, path, response, body, target);
                return Read(body, map, method, path, target);
            }
        }
        throw AllEndpointsFailed(failures);
    }

    private HttpRequestMessage CreateRequest(HttpMethod method, Uri endpoint, string path, IReadOnlyList<KeyValuePair<string, string>>? form)
    {
        var request = new HttpRequestMessage(method, new Uri(endpoint.GetLeftPart(UriPartial.Authority) + "/api2/json" + path));
        // Tokens need no CSRF header, even on writes.
        request.Headers.TryAddWithoutValidation("Authorization", "PVEAPIToken=" + options.TokenId + "=" + options.TokenSecret);
        request.Headers.Accept.ParseAdd("application/json");
        if (form != null) request.Content = new FormUrlEncodedContent(form);
        return request;
    }

    private T Read<T>(string body, Func<JsonElement, T> map, HttpMethod method, string path, string target)
    {
        try
        {
            using (var document = JsonDocument.Parse(body))
            {
                if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("data", out var data))
                    throw InvalidResponse(method, path, target, "it has no 'data' member");
                return map(data);
            }
        }
        catch (JsonException error)
        {
            throw InvalidResponse(method, path, target, "it is not JSON (" + error.Message + ")");
        }
    }

    private static HaEdgeException InvalidResponse(HttpMethod method, string path, string target, string problem) =>
        new HaEdgeException("ProxmoxInvalidResponse", FailureKind.InvalidData, $"Proxmox answered {method} {path} in an unexpected form: {problem}.", target);

    private HaEdgeException HttpError(HttpMethod method, string path, HttpResponseMessage response, string body, string target)
    {
        var code = (int)response.StatusCode;
        // PVE puts its error text in the status line; newer releases repeat it in "message", parameter errors go to "errors".
        // Each part is the server's text: one line without control characters, and without its closing period,
        // which the message adds.
        var reason = ErrorText(response.ReasonPhrase, body);
        var call = $"{method} {path}";
        switch (code)
        {
            case 401:
                return new HaEdgeException("ProxmoxUnauthorized", FailureKind.AuthenticationError,
                    $"Proxmox refused the API token '{options.TokenId}' ({code} {reason}): check the token id, its secret and that it has not expired.", target);
            case 403:
                return new HaEdgeException("ProxmoxForbidden", FailureKind.PermissionDenied,
                    $"The API token '{options.TokenId}' may not {call}: {reason}.", target);
            case 404:
                return new HaEdgeException("ProxmoxNotFound", FailureKind.ObjectNotFound, $"Proxmox has no {path} ({code} {reason}).", target);
            case 400:
                return new HaEdgeException("ProxmoxBadRequest", FailureKind.InvalidArgument, $"Proxmox refused {call}: {reason}.", target);
            case 501:
                return new HaEdgeException("ProxmoxNotImplemented", FailureKind.InvalidOperation,
                    $"This Proxmox VE release does not offer {call} ({reason}).", target);
        }
        if (code >= 500)
        {
            if (reason.IndexOf("no quorum", StringComparison.OrdinalIgnoreCase) >= 0)
            {
                return new HaEdgeException("ProxmoxNoQuorum", FailureKind.ResourceUnavailable,
                    $"The Proxmox cluster has no quorum, so {call} cannot run ({reason}); the cluster is read-only and HA does not act until quorum returns.", target);
            }
            // A missing VM is a 500 "Configuration file ... does not exist" in PVE, not a 404.
            if (reason.IndexOf("does not exist", StringComparison.OrdinalIgnoreCase) >= 0)
                return new HaEdgeException("ProxmoxNotFound", FailureKind.ObjectNotFound, $"Proxmox: {reason} ({call}).", target);
            return new HaEdgeException("ProxmoxServerError", FailureKind.InvalidOperation, $"Proxmox failed {call}: {code} {reason}.", target);
        }
        return new HaEdgeException("ProxmoxRequestFailed", FailureKind.InvalidOperation, $"Proxmox refused {call}: {code} {reason}.", target);
    }

    private static string ErrorText(string? reasonPhrase, string body)
    {
        var parts = new List<string>();
        void Add(string? text)
        {
            var part = UntrustedText.ForMessage(text).TrimEnd('.');
            if (part.Length > 0 && !parts.Contains(part)) parts.Add(part);
        }

        Add(reasonPhrase);
        try
        {
            using (var document = JsonDocument.Parse(body))
            {
                var root = document.RootElement;
                Add(JsonValue.String(root, "message"));
                if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
                {
                    foreach (var error in errors.EnumerateObject()) Add(error.Name + ": " + JsonValue.AsString(error.Value));
                }
            }
        }
        catch (JsonException)
        {
            // The status line is all there is.
        }
        return parts.Count == 0 ? "no reason given" : string.Join("; ", parts);
    }

    private HaEdgeException AllEndpointsFailed(IReadOnlyList<EndpointFailure> failures)
    {
        var certificate = failures.FirstOrDefault(failure => failure.Kind == FailureKind.SecurityError);
        if (certificate != null)
        {
            var pin = options.PinFor(certificate.Endpoint);
            var problem = pin == null
                ? $"is not trusted by this system. If it is the node's own self-signed certificate, pin it for this endpoint: certificateSha256 {certificate.Fingerprint}"
                : $"is not the one pinned for this endpoint ({pin}). If this node's certificate was renewed, pin the new one for this endpoint: certificateSha256 {certificate.Fingerprint}";
            return new HaEdgeException("ProxmoxCertificateRejected", FailureKind.SecurityError,
                $"The TLS certificate of {certificate.Endpoint.Authority} (SHA-256 {certificate.Fingerprint}) {problem}.", certificate.Endpoint.Authority);
        }

        var targets = string.Join(", ", failures.Select(failure => failure.Endpoint.Authority).Distinct());
        var details = string.Join("; ", failures.Select(failure => failure.Endpoint.Authority + ": " + failure.Detail));
        if (failures.Any(failure => failure.Kind == FailureKind.OperationTimeout))
            return new HaEdgeException("ProxmoxTimeout", FailureKind.OperationTimeout, $"Proxmox did not answer in time ({details}).", targets);
        return new HaEdgeException("ProxmoxUnreachable", FailureKind.ConnectionError, $"No Proxmox endpoint could be reached ({details}).", targets);
    }

    private HttpClientHandler CreateHandler() =>
        new HttpClientHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            ServerCertificateCustomValidationCallback = ValidateCertificate,
        };

    /// <summary>
    /// Pinned endpoint: exactly the certificate pinned for that endpoint passes, chain or not (another endpoint's pin
    /// does not). Endpoint without a pin: the platform's verdict.
    /// </summary>
    private bool ValidateCertificate(HttpRequestMessage request, X509Certificate2? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        var presented = certificate == null ? "none" : CertificatePin.Compute(certificate);
        var pin = request.RequestUri == null ? null : options.PinFor(request.RequestUri);
        var accepted = pin == null ? errors == SslPolicyErrors.None : presented == pin;
        if (!accepted && request.RequestUri != null) refusedCertificates[request.RequestUri.Authority] = presented;
        return accepted;
    }

    private static Upid ToUpid(JsonElement data) => Upid.Parse(JsonValue.AsString(data) ?? "");

    private static bool IgnoreData(JsonElement data) => true;

    private static string VmPath(string node, int vmId, string rest) =>
        "/nodes/" + Segment(node) + "/qemu/" + vmId.ToString(CultureInfo.InvariantCulture) + rest;

    private static string Segment(string value)
    {
        if (string.IsNullOrWhiteSpace(value)) throw new ArgumentException("A Proxmox node, task or rule name must not be empty.", nameof(value));
        return Uri.EscapeDataString(value);
    }

    private static KeyValuePair<string, string> Field(string name, string value) => new KeyValuePair<string, string>(name, value);

    private static string Seconds(TimeSpan span) => ((long)Math.Ceiling(span.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    private static string InnermostMessage(Exception error)
    {
        while (error.InnerException != null) error = error.InnerException;
        // .NET quotes what it could not read (an invalid status line, say) as the server sent it.
        return UntrustedText.ForMessage(error.Message);
    }

    private sealed class EndpointFailure
    {
        public EndpointFailure(Uri endpoint, FailureKind kind, string detail, string? fingerprint)
        {
            Endpoint = endpoint;
            Kind = kind;
            Detail = detail;
            Fingerprint = fingerprint;
        }

        public Uri Endpoint { get; }

        public FailureKind Kind { get; }

        public string Detail { get; }

        public string? Fingerprint { get; }
    }
}
