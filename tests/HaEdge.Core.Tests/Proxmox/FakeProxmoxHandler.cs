using System.Net;
using System.Text;
using HaEdge.Core.Proxmox;
using HaEdge.Core.Tests.Support;

namespace HaEdge.Core.Tests.Proxmox;

/// <summary>Stands in for the network: answers each request from a function and remembers what was sent.</summary>
internal sealed class FakeProxmoxHandler : HttpMessageHandler
{
    private readonly Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> respond;

    public FakeProxmoxHandler(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> respond) => this.respond = respond;

    public FakeProxmoxHandler(Func<HttpRequestMessage, HttpResponseMessage> respond)
        : this((request, _) => Task.FromResult(respond(request)))
    {
    }

    public List<SentRequest> Requests { get; } = new();

    public sealed record SentRequest(HttpMethod Method, Uri Uri, string? Authorization, string? Body);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content == null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        var authorization = request.Headers.TryGetValues("Authorization", out var values) ? values.Single() : null;
        lock (Requests) Requests.Add(new SentRequest(request.Method, request.RequestUri!, authorization, body));
        return await respond(request, cancellationToken);
    }

    public static HttpResponseMessage Json(string body, HttpStatusCode status = HttpStatusCode.OK, string? reason = null)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (reason != null) response.ReasonPhrase = reason;
        return response;
    }

    /// <summary>A handler that serves one fixture body for every request.</summary>
    public static FakeProxmoxHandler ServingFixture(string fixture) =>
        new(_ => Json(RealFixture.Body("pve-api-json/" + fixture)));

    public static ProxmoxClientOptions Options(TimeSpan? timeout = null, params string[] endpoints) =>
        new(
            (endpoints.Length == 0 ? new[] { "https://pve1.example:8006" } : endpoints).Select(endpoint => new Uri(endpoint)),
            "haedge@pve!edge", ProxmoxTestSecrets.TokenSecret, timeout: timeout);

    public ProxmoxClient Client(ProxmoxClientOptions? options = null) => new(options ?? Options(), this) { TaskPollInterval = TimeSpan.FromMilliseconds(5) };
}

internal static class ProxmoxTestSecrets
{
    public const string TokenSecret = "5e9f3c1a-0000-4000-8000-7a1b2c3d4e5f";
}
