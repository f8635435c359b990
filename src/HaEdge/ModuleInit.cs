using System.Management.Automation;
using HaEdge.Sessions;

namespace HaEdge;

/// <summary>On Remove-Module, every session of this runspace is closed: no SSH connection outlives the module.</summary>
public sealed class ModuleInit : IModuleAssemblyCleanup
{
    public void OnRemove(PSModuleInfo psModuleInfo) => SessionStore.CloseAll();
}
