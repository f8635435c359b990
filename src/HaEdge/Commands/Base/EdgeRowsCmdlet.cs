using System.Management.Automation;
using HaEdge.Core.Session;

namespace HaEdge.Commands;

/// <summary>
/// A cmdlet that takes HaEdge rows from the pipeline (Get-HaEdgeVm's, Get-CarpStatus's, Get-HaEdgeNode's): -Session
/// binds each row's Edge too, so a row is read or changed in the edge it came from, never in the current one.
/// </summary>
public abstract class EdgeRowsCmdlet : HaEdgeSessionCmdlet
{
    /// <summary>
    /// The session to use (a session object, or an open session's edge name or Id); by default the current one.
    /// Binds the Edge property of piped rows.
    /// </summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("Edge")]
    [EdgeSession]
    [ArgumentCompleter(typeof(SessionNameCompleter))]
    public override EdgeSession[]? Session { get => base.Session; set => base.Session = value; }
}
