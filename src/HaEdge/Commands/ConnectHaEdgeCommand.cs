using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using HaEdge.Core;
using HaEdge.Core.Definition;
using HaEdge.Core.Inventory;
using HaEdge.Core.Session;
using HaEdge.Loading;
using HaEdge.Sessions;

namespace HaEdge.Commands;

/// <summary>Reads an edge definition and opens a session, which becomes this runspace's current session.</summary>
[Cmdlet(VerbsCommunications.Connect, "HaEdge")]
[OutputType(typeof(EdgeSession))]
public sealed class ConnectHaEdgeCommand : HaEdgeCmdlet
{
    private readonly List<EdgeSession> connected = new List<EdgeSession>();

    /// <summary>
    /// The edge definition files: paths, wildcards, or folders (their *.json files). One session per definition; with
    /// several, a definition that fails is a non-terminating error and the others still connect; their edges' names
    /// must differ (EdgeNameInUse).
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary>The Proxmox API token: user name USER@REALM!TOKENID, password the secret. Overrides the file's variable.</summary>
    [Parameter]
    [Credential]
    public PSCredential? Credential { get; set; }

    /// <summary>An SSH user and password for both firewalls, instead of each definition's ssh.user and key file.</summary>
    [Parameter]
    [Credential]
    public PSCredential? SshCredential { get; set; }

    /// <summary>The passphrase of the firewalls' SSH key files (instead of the variable ssh.passphraseVariable names).</summary>
    [Parameter]
    public System.Security.SecureString? SshKeyPassphrase { get; set; }

    /// <summary>Accept an unpinned SSH host key once and show it, so it can be pinned. A changed key is still refused.</summary>
    [Parameter]
    public SwitchParameter TrustOnFirstUse { get; set; }

    /// <summary>Open the session without checking the token and both firewalls' identities (e.g. with a firewall down).</summary>
    [Parameter]
    public SwitchParameter SkipCheck { get; set; }

    protected override void ProcessRecord()
    {
        var files = new List<string>();
        foreach (string pattern in Path)
        {
            try
            {
                files.AddRange(DefinitionFiles(pattern));
            }
            catch (HaEdgeException e)
            {
                Fail(e, several: true);
            }
        }

        // One definition named alone keeps the single-edge behaviour: its failure ends the command.
        bool several = MyInvocation.ExpectingInput || Path.Length > 1 || files.Count > 1;
        foreach (string file in files)
        {
            try
            {
                WriteObject(Connect(file));
            }
            catch (HaEdgeException e)
            {
                Fail(e, several);
            }
        }
    }

    /// <summary>The files a -Path item names: a folder's *.json files, a wildcard's matches, or the path itself.</summary>
    private IEnumerable<string> DefinitionFiles(string pattern)
    {
        if (WildcardPattern.ContainsWildcardCharacters(pattern))
        {
            List<string> matches;
            try
            {
                matches = SessionState.Path.GetResolvedProviderPathFromPSPath(pattern, out _).ToList();
            }
            catch (ItemNotFoundException)
            {
                matches = new List<string>();
            }

            return matches.Count > 0 ? matches.OrderBy(f => f, StringComparer.Ordinal)
                : throw new HaEdgeException("EdgeDefinitionNotFound", FailureKind.ObjectNotFound, $"No edge definition matches '{pattern}'.", pattern);
        }

        string path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(pattern);
        if (!Directory.Exists(path))
        {
            return new[] { path };
        }

        string[] inFolder = Directory.GetFiles(path, "*.json").OrderBy(f => f, StringComparer.Ordinal).ToArray();
        return inFolder.Length > 0 ? inFolder
            : throw new HaEdgeException("EdgeDefinitionNotFound", FailureKind.ObjectNotFound, $"The folder '{path}' holds no edge definition (*.json).", path);
    }

    private void Fail(HaEdgeException e, bool several)
    {
        if (several)
        {
            WriteFailure(e);
            return;
        }

        WarnCurrentSessionKept();
        ThrowTerminatingError(ErrorFrom(e));
    }

    /// <summary>Opens, checks and keeps one session; a failure closes what it opened and leaves the open sessions as they were.</summary>
    private EdgeSession Connect(string path)
    {
        EdgeDefinition definition = EdgeDefinitionReader.Read(path);
        if (Credential != null && Credential.UserName.Length > 0 && Credential.UserName != definition.Proxmox.TokenId)
        {
            WriteWarning($"-Credential names {Credential.UserName} but the definition's token is {definition.Proxmox.TokenId}; the definition's token id is used with the given secret.");
        }

        foreach (string keyFile in definition.Firewalls.Select(f => f.Ssh.KeyFile).OfType<string>().Distinct().Where(KeyFilePermissions.OpenToOthers))
        {
            WriteWarning($"SSH key file {keyFile} can be read by other users on this machine: chmod 600 {keyFile}.");
        }

        // Several definitions connected together must name their edges apart, so every result says whose it is; a
        // session of that name from another file opened before stays, and by name -Session means the newest.
        if (connected.FirstOrDefault(s => string.Equals(s.Name, definition.Name, StringComparison.OrdinalIgnoreCase)) is EdgeSession clash)
        {
            throw new HaEdgeException("EdgeNameInUse", FailureKind.InvalidArgument,
                $"Edge '{definition.Name}' ({definition.Path}) has the name of {clash.Definition.Path}, connected by this command: give each definition its own name, so every result says whose it is.",
                definition.Path);
        }

        if (SessionStore.All.FirstOrDefault(s => s.IsOpen && string.Equals(s.Name, definition.Name, StringComparison.OrdinalIgnoreCase)
                && !SessionStore.SameDefinition(s, definition.Path)) is EdgeSession older)
        {
            WriteWarning($"Edge '{definition.Name}' is also open from {older.Definition.Path} ({older}); by name, -Session means the newest.");
        }

        EdgeSession session = EdgeSessionBuilder.Open(definition,
            SecretOf(Credential),
            SecretOf(SshCredential),
            SshCredential?.UserName.TrimStart('\\'),
            SshKeyPassphrase == null || SshKeyPassphrase.Length == 0 ? null : new Secret(new System.Net.NetworkCredential(string.Empty, SshKeyPassphrase).Password),
            TrustOnFirstUse.IsPresent,
            SshLoader.CreateConnector);
        if (TrustOnFirstUse)
        {
            ShowFirstUseKeys(session);
        }

        if (!SkipCheck)
        {
            RefuseUnlessAnswering(session);
        }

        connected.Add(session);
        if (SessionStore.Add(session) is EdgeSession replaced)
        {
            WriteVerbose($"Session {replaced.Id} of the same definition is closed: this one replaces it.");
        }

        WriteVerbose($"Connected to edge '{session.Name}': firewalls {string.Join(", ", session.Firewalls)}, Proxmox {string.Join(", ", session.ProxmoxEndpoints)}.");
        return session;
    }

    /// <summary>Connects to every firewall now, so the keys just trusted can be shown for pinning.</summary>
    private void ShowFirstUseKeys(EdgeSession session)
    {
        foreach (FirewallDefinition firewall in session.Definition.Firewalls.Where(f => f.Ssh.HostKeySha256 == null))
        {
            try
            {
                string key = Await((_, token) => session.Ssh.GetAsync(session.SshTargetOf(firewall), token)).HostKeySha256;
                WriteWarning($"{firewall.Name}: trusted host key {key} on first use; this session now refuses any other key from {firewall.Name}. "
                    + $"Verify it on the firewall's console (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub), then pin it in '{session.Definition.Path}': "
                    + $"\"hostKeySha256\": \"{key}\" in the ssh block of {firewall.Name}.");
            }
            catch (HaEdgeException e)
            {
                WriteFailure(e);
            }
        }
    }

    /// <summary>
    /// A session that opened is not yet one that works: the Proxmox API must take the token and both firewalls must
    /// answer SSH with their pinned keys (Test-HaEdgeConnection's checks, all at once), or nothing is connected.
    /// </summary>
    private void RefuseUnlessAnswering(EdgeSession session)
    {
        IReadOnlyList<ConnectionCheck> checks = Await((_, token) => ConnectionTester.CheckAsync(session, proxmox: true, ssh: true, token));
        var failed = checks.Where(c => !c.Reachable).ToList();
        if (failed.Count == 0)
        {
            return;
        }

        session.Dispose();
        string failures = string.Join(" ", failed.Select(c => $"{c.Plane} {c.Target}: {c.ErrorId}: {c.Error}"));
        throw new HaEdgeException("EdgeConnectionCheckFailed", FailureKind.ConnectionError,
            $"Not connected to edge '{session.Name}': {failures} Fix the definition or the credential, or pass -SkipCheck to connect without this check (for example with a firewall down).",
            session.Definition.Path);
    }

    /// <summary>A connect that failed leaves the current session as it was: say which one that is.</summary>
    private void WarnCurrentSessionKept()
    {
        if (SessionStore.Current is EdgeSession current)
        {
            WriteWarning($"Not connected: the current session is still {current}, from {current.Definition.Path}.");
        }
    }

    private static Secret? SecretOf(PSCredential? credential) =>
        credential == null || credential.Password.Length == 0 ? null : new Secret(credential.GetNetworkCredential().Password);
}
