using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace HaEdge.Core.ConfigSync;

/// <summary>
/// The read-only part of pfSense's XML-RPC API that config sync checks need. Deliberately has no way to call
/// exec_php or exec_shell.
/// </summary>
internal interface IPfXmlRpcClient
{
    /// <summary><c>pfsense.host_firmware_version</c>: product, kernel and config versions.</summary>
    Task<PfFirmwareInfo> HostFirmwareVersionAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// <c>pfsense.backup_config_section</c>: the named top-level config.xml sections, keyed by section name, as
    /// the neutral tree of <see cref="XmlRpcCodec"/>. Sections the firewall does not have are absent.
    /// </summary>
    Task<IReadOnlyDictionary<string, object?>> BackupConfigSectionAsync(IReadOnlyList<string> sections, CancellationToken cancellationToken = default);
}
