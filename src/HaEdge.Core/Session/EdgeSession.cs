using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Threading;
using HaEdge.Core.Definition;
using HaEdge.Core.Failover;
using HaEdge.Core.Proxmox;

namespace HaEdge.Core.Session;

/// <summary>
/// A connection to one edge: its definition, the Proxmox client and one pooled SSH connection per firewall.
/// Created by Connect-HaEdge, kept per runspace, disposed by Disconnect-HaEdge or module removal.
/// </summary>
public sealed class EdgeSession : IDisposable
{
    private static int lastId;
    private readonly Lazy<IProxmoxClient> proxmox;
    private readonly IReadOnlyDictionary<string, SshTarget> sshTargets;
    private readonly ConcurrentDictionary<FailoverScenario, FailoverResult> lastFailovers = new ConcurrentDictionary<FailoverScenario, FailoverResult>();
    private readonly ConcurrentDictionary<string, Lazy<HttpMessageHandler>> xmlRpcHandlers =
        new ConcurrentDictionary<string, Lazy<HttpMessageHandler>>(StringComparer.OrdinalIgnoreCase);

    internal EdgeSession(EdgeDefinition definition, Func<IProxmoxClient> proxmoxFactory, SshPool ssh, IEnumerable<SshTarget> sshTargets)
    {
        Id = Interlocked.Increment(ref lastId);
        Definition = definition;
        proxmox = new Lazy<IProxmoxClient>(proxmoxFactory, LazyThreadSafetyMode.ExecutionAndPublication);
        Ssh = ssh;
        this.sshTargets = sshTargets.ToDictionary(t => t.Name, StringComparer.OrdinalIgnoreCase);
        ConnectedAt = DateTimeOffset.Now;
    }

    public int Id { get; }

    public string Name => Definition.Name;

    public EdgeDefinition Definition { get; }

    public DateTimeOffset ConnectedAt { get; }

    public bool IsOpen { get; private set; } = true;

    internal IProxmoxClient Proxmox => IsOpen ? proxmox.Value : throw Closed();

    internal SshPool Ssh { get; }

    /// <summary>The last Test-HaFailover result of each scenario run in this session, for the metrics.</summary>
    internal IReadOnlyList<FailoverResult> LastFailovers => lastFailovers.Values.OrderBy(r => r.Scenario).ToList();

    internal void Remember(FailoverResult result) => lastFailovers[result.Scenario] = result;

    public IReadOnlyList<string> Firewalls => ValueList<string>.Of(Definition.Firewalls.Select(f => f.Name));

    public IReadOnlyList<Uri> ProxmoxEndpoints => Definition.Proxmox.Endpoints;

    internal SshTarget SshTargetOf(FirewallDefinition firewall) => sshTargets[firewall.Name];

    /// <summary>
    /// The firewall's XML-RPC connections, kept with the session as its SSH ones are: each command's clients (their
    /// credentials per request) share them, so a check of the edge does not pay a TLS handshake per firewall each time.
    /// Pinned to the definition's certificate; closed with the session.
    /// </summary>
    internal HttpMessageHandler XmlRpcHandlerOf(FirewallDefinition firewall)
    {
        if (!IsOpen) throw Closed();
        HttpMessageHandler handler = xmlRpcHandlers.GetOrAdd(firewall.Name,
            _ => new Lazy<HttpMessageHandler>(() => CertificatePin.CreateHandler(firewall.XmlRpc?.CertificateSha256))).Value;
        if (IsOpen) return handler;
        // Disconnected while it was made: it may have missed Dispose's sweep.
        handler.Dispose();
        throw Closed();
    }

    /// <summary>The firewall by name (case-insensitive), or an ObjectNotFound error listing the known ones.</summary>
    public FirewallDefinition Firewall(string name) =>
        Definition.Firewalls.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new HaEdgeException("FirewallNotFound", FailureKind.ObjectNotFound,
            $"The edge '{Name}' has no firewall '{name}'; it has {string.Join(" and ", Firewalls)}.", name);

    public void Dispose()
    {
        if (!IsOpen)
        {
            return;
        }

        IsOpen = false;
        Ssh.Dispose();
        foreach (Lazy<HttpMessageHandler> handler in xmlRpcHandlers.Values.Where(h => h.IsValueCreated))
        {
            handler.Value.Dispose();
        }

        if (proxmox.IsValueCreated)
        {
            proxmox.Value.Dispose();
        }
    }

    public override string ToString() => $"{Name} (session {Id})";

    private HaEdgeException Closed() =>
        new HaEdgeException("SessionClosed", FailureKind.InvalidOperation, $"The HaEdge session '{Name}' was disconnected; run Connect-HaEdge again.", Name);
}
