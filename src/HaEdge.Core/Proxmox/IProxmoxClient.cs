using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace HaEdge.Core.Proxmox;

/// <summary>
/// The Proxmox VE API as HaEdge uses it. Every failure is a <see cref="HaEdgeException"/> (ProxmoxUnauthorized,
/// ProxmoxForbidden, ProxmoxNotFound, ProxmoxNoQuorum, ProxmoxServerError, ProxmoxTimeout, ProxmoxUnreachable,
/// ProxmoxCertificateRejected, ...); cancellation through the token surfaces as <see cref="OperationCanceledException"/>.
/// </summary>
internal interface IProxmoxClient : IDisposable
{
    /// <summary>
    /// pve-manager's version (GET /version, any authenticated user: PVE/API2.pm's version method answers version,
    /// release and repoid), e.g. 8.4.1; null when the answer names none.
    /// </summary>
    Task<string?> GetVersionAsync(CancellationToken cancellationToken = default);

    /// <summary>GET /cluster/status: cluster name, quorum and member nodes.</summary>
    Task<ClusterStatus> GetClusterStatusAsync(CancellationToken cancellationToken = default);

    /// <summary>GET /nodes.</summary>
    Task<IReadOnlyList<ProxmoxNode>> GetNodesAsync(CancellationToken cancellationToken = default);

    /// <summary>GET /cluster/resources?type=vm: every guest of the cluster with its node and HA state.</summary>
    Task<IReadOnlyList<VmResource>> GetVmsAsync(CancellationToken cancellationToken = default);

    Task<VmStatus> GetVmStatusAsync(string node, int vmId, CancellationToken cancellationToken = default);

    Task<VmConfig> GetVmConfigAsync(string node, int vmId, CancellationToken cancellationToken = default);

    Task<VmFirewallOptions> GetVmFirewallOptionsAsync(string node, int vmId, CancellationToken cancellationToken = default);

    /// <summary>GET /nodes/{node}/network: bridges, bonds, VLANs, physical ports.</summary>
    Task<IReadOnlyList<NodeNetworkInterface>> GetNodeNetworkAsync(string node, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<HaResource>> GetHaResourcesAsync(CancellationToken cancellationToken = default);

    /// <summary>PVE 9 HA rules; ProxmoxNotImplemented on releases without rules (PVE 8: use groups).</summary>
    Task<IReadOnlyList<HaRule>> GetHaRulesAsync(CancellationToken cancellationToken = default);

    /// <summary>PVE 8 HA groups; empty once PVE 9 migrated them to rules.</summary>
    Task<IReadOnlyList<HaGroup>> GetHaGroupsAsync(CancellationToken cancellationToken = default);

    Task<IReadOnlyList<HaStatusEntry>> GetHaStatusAsync(CancellationToken cancellationToken = default);

    Task<ProxmoxTaskStatus> GetTaskStatusAsync(Upid upid, CancellationToken cancellationToken = default);

    /// <summary>
    /// Polls the task on its node until it stops. Returns its status when the exit status is OK; throws
    /// ProxmoxTaskFailed with the exit text otherwise, ProxmoxTaskTimeout after <paramref name="timeout"/>.
    /// </summary>
    Task<ProxmoxTaskStatus> WaitForTaskAsync(Upid upid, TimeSpan timeout, CancellationToken cancellationToken = default);

    Task<Upid> StartVmAsync(string node, int vmId, CancellationToken cancellationToken = default);

    /// <summary>Hard stop. For an HA resource PVE turns this into an HA request-state change.</summary>
    Task<Upid> StopVmAsync(string node, int vmId, CancellationToken cancellationToken = default);

    /// <summary>ACPI shutdown; <paramref name="forceStop"/> stops the VM when <paramref name="timeout"/> passes.</summary>
    Task<Upid> ShutdownVmAsync(string node, int vmId, TimeSpan? timeout = null, bool forceStop = false, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes one <c>netN</c> (PUT config; link_down is applied live). With <paramref name="digest"/> from the config
    /// just read, PVE refuses the write if the config changed in between.
    /// </summary>
    Task SetNetDeviceAsync(string node, int vmId, NetDevice device, string? digest = null, CancellationToken cancellationToken = default);

    Task CreateHaRuleAsync(HaRule rule, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces the rule's settings; its <see cref="HaRule.Digest"/>, when set, guards against a concurrent change.
    /// An enabled rule is sent as <c>delete=disable</c>: PVE 9 ignores <c>disable=0</c> (pve-ha-manager c060bc4).
    /// </summary>
    Task UpdateHaRuleAsync(HaRule rule, CancellationToken cancellationToken = default);

    Task DeleteHaRuleAsync(string rule, CancellationToken cancellationToken = default);

    /// <summary>PVE 8: POST /cluster/ha/groups (PVE 9 refuses: groups became rules).</summary>
    Task CreateHaGroupAsync(HaGroup group, CancellationToken cancellationToken = default);

    /// <summary>PVE 8: binds HA resource <paramref name="sid"/> (<c>vm:101</c>) to an existing HA group.</summary>
    Task SetHaResourceGroupAsync(string sid, string group, CancellationToken cancellationToken = default);
}
