using System.Management.Automation;
using HaEdge.Core;
using HaEdge.Core.ConfigSync;
using HaEdge.Core.Runbooks;
using HaEdge.Core.Session;

namespace HaEdge.Commands;

/// <summary>A config sync cmdlet: reads both firewalls over XML-RPC with the definition's or the given credential.</summary>
public abstract class PfConfigSyncCmdlet : HaEdgeSessionCmdlet
{
    /// <summary>The XML-RPC user and password for both firewalls, instead of each firewall's xmlrpc.user and passwordVariable.</summary>
    [Parameter]
    [ValidateNotNull]
    [Credential]
    public PSCredential? XmlRpcCredential { get; set; }

    /// <summary>
    /// The XML-RPC clients for the drift reads when the definition has xmlrpc entries (else null: the drift is not
    /// read); the caller disposes them. A definition that lacks what XML-RPC needs is an exception for the caller.
    /// </summary>
    private protected XmlRpcPair? OpenXmlRpcForDrift(EdgeSession session) =>
        EdgeReadinessService.DriftConfigured(session.Definition) ? OpenXmlRpcPair(session) : null;

    /// <summary>The XML-RPC clients of both firewalls for this command; the caller disposes them.</summary>
    private protected XmlRpcPair OpenXmlRpc(EdgeSession session) => Check(() => OpenXmlRpcPair(session));

    /// <summary>As <see cref="OpenXmlRpc"/>, but a definition that lacks what XML-RPC needs is an exception for the caller to report.</summary>
    private protected XmlRpcPair OpenXmlRpcPair(EdgeSession session)
    {
        string? user = null;
        Secret? password = null;
        if (XmlRpcCredential != null)
        {
            string text = XmlRpcCredential.GetNetworkCredential().Password;
            if (string.IsNullOrEmpty(text))
            {
                throw new HaEdgeException("XmlRpcPasswordMissing", FailureKind.InvalidArgument, "The -XmlRpcCredential has an empty password.",
                    XmlRpcCredential.UserName);
            }

            password = new Secret(text);
            user = string.IsNullOrEmpty(XmlRpcCredential.UserName) ? null : XmlRpcCredential.UserName;
        }

        return XmlRpcPair.Open(session.Definition, user, password, session.XmlRpcHandlerOf);
    }
}
