using System;
using System.Net.Http;
using HaEdge.Core.Definition;
using HaEdge.Core.Session;

namespace HaEdge.Core.ConfigSync;

/// <summary>
/// The XML-RPC clients of both firewalls, built from their <c>xmlrpc</c> entries in the edge definition. Lives for
/// one command: the password is resolved when it runs, so a variable set after Connect-HaEdge is seen.
/// </summary>
internal sealed class XmlRpcPair : IDisposable
{
    public XmlRpcPair(IPfXmlRpcClient primary, IPfXmlRpcClient secondary)
    {
        Primary = primary ?? throw new ArgumentNullException(nameof(primary));
        Secondary = secondary ?? throw new ArgumentNullException(nameof(secondary));
    }

    public IPfXmlRpcClient Primary { get; }

    public IPfXmlRpcClient Secondary { get; }

    /// <param name="definition">The edge.</param>
    /// <param name="user">The XML-RPC user for both firewalls, or null for each firewall's <c>xmlrpc.user</c>.</param>
    /// <param name="password">The password for both firewalls, or null to read each firewall's <c>xmlrpc.passwordVariable</c>.</param>
    /// <param name="connections">Each firewall's pooled connections (the session's), or null for clients with their own.</param>
    public static XmlRpcPair Open(EdgeDefinition definition, string? user, Secret? password, Func<FirewallDefinition, HttpMessageHandler>? connections = null)
    {
        if (definition == null) throw new ArgumentNullException(nameof(definition));
        // Both are resolved before either client exists, so a missing secret leaves nothing to dispose.
        PfXmlRpcClientOptions primary = OptionsFor(definition, definition.Primary, user, password);
        PfXmlRpcClientOptions secondary = OptionsFor(definition, definition.Secondary, user, password);
        return new XmlRpcPair(new PfXmlRpcClient(primary, connections?.Invoke(definition.Primary)),
            new PfXmlRpcClient(secondary, connections?.Invoke(definition.Secondary)));
    }

    public void Dispose()
    {
        (Primary as IDisposable)?.Dispose();
        (Secondary as IDisposable)?.Dispose();
    }

    private static PfXmlRpcClientOptions OptionsFor(EdgeDefinition definition, FirewallDefinition firewall, string? user, Secret? password)
    {
        XmlRpcDefinition xmlRpc = firewall.XmlRpc
            ?? throw new HaEdgeException("XmlRpcNotConfigured", FailureKind.InvalidArgument,
                $"{firewall.Name} has no xmlrpc entry in '{definition.Path}': add its url, user, passwordVariable and certificateSha256 to use config sync.",
                firewall.Name);
        Secret secret = password ?? Secret.FromEnvironment(xmlRpc.PasswordVariable)
            ?? throw new HaEdgeException("XmlRpcPasswordMissing", FailureKind.InvalidArgument,
                xmlRpc.PasswordVariable == null
                    ? $"No XML-RPC password for {firewall.Name}: pass -XmlRpcCredential, or name an environment variable as xmlrpc.passwordVariable in '{definition.Path}'."
                    : $"No XML-RPC password for {firewall.Name}: the environment variable {xmlRpc.PasswordVariable} is not set; set it or pass -XmlRpcCredential.",
                firewall.Name);
        return new PfXmlRpcClientOptions(xmlRpc.Url, user ?? xmlRpc.User, secret.Reveal(), firewall.Name)
        {
            CertificateSha256 = xmlRpc.CertificateSha256,
        };
    }
}
