using System.Collections.Generic;
using System.Management.Automation;
using HaEdge.Core.Model.Sync;
using HaEdge.Core.PfSense.Sync;
using HaEdge.Core.Session;

namespace HaEdge.Commands
{
    /// <summary>
    /// Compares the secondary's configuration with the primary's in the synced sections, one object per difference.
    /// What pfSense's own sync leaves different by design is marked Expected with the rule that explains it; the rest
    /// is drift. Secret values are masked.
    /// </summary>
    [Cmdlet(VerbsData.Compare, "PfConfig")]
    [OutputType(typeof(ConfigDifference))]
    public sealed class ComparePfConfigCommand : PfConfigSyncCmdlet
    {
        /// <summary>
        /// The config sections to compare, top-level names or paths such as system/user; by default the ones the
        /// primary's ticked HA sync boxes send. Binds the Sections property of Get-PfHaSync.
        /// </summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("Sections")]
        [ArgumentCompleter(typeof(SyncSectionCompleter))]
        [ValidateNotNullOrEmpty]
        public string[]? Section { get; set; }

        protected override void ProcessRecord()
        {
            EdgeSession session = CurrentSession;
            using (XmlRpcPair xmlRpc = OpenXmlRpc(session))
            {
                var service = new ConfigSyncService(session, xmlRpc);
                IReadOnlyList<string> sections = Section ?? Run((_, token) => service.TickedSectionsAsync(token));
                if (sections.Count == 0)
                {
                    WriteWarning($"{session.Definition.Primary.Name} has no HA sync box ticked, so nothing is synchronised; name sections with -Section to compare them anyway.");
                    return;
                }

                WriteVerbose($"Comparing {string.Join(", ", sections)} of {session.Definition.Secondary.Name} with {session.Definition.Primary.Name}.");
                WriteObject(Run((_, token) => service.CompareAsync(sections, token)), enumerateCollection: true);
            }
        }
    }
}
