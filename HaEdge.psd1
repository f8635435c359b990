@{
    # The single source of truth for the version: Directory.Build.props reads ModuleVersion from this file.
    RootModule             = 'HaEdge.dll'
    ModuleVersion          = '0.1.0'
    GUID                   = '5b0c7f4e-8d2a-4c51-9a7e-2f3e6d1c8b90'
    Author                 = 'HaEdge contributors'
    CompanyName            = 'HaEdge'
    Copyright              = '(c) HaEdge contributors. MIT licence.'
    Description            = 'Operate and prove a highly available pfSense CARP pair on two Proxmox VE nodes: CARP status and maintenance, pfsync, gateways, config sync, anti-affinity, symmetry and measured failover tests.'
    CompatiblePSEditions   = @('Desktop', 'Core')
    PowerShellVersion      = '5.1'
    DotNetFrameworkVersion = '4.7.2'
    FormatsToProcess       = @('HaEdge.Format.ps1xml')
    # Where Update-Help will look for HaEdge_<GUID>_HelpInfo.xml once updatable help is published with the releases.
    HelpInfoUri            = 'https://github.com/haedge/haedge/releases/latest/download/'
    CmdletsToExport        = @(
        'Connect-HaEdge'
        'Disconnect-HaEdge'
        'Get-HaEdgeSession'
        'New-HaEdgeDefinition'
        'Get-HaEdgeNode'
        'Get-HaEdgeVm'
        'Get-CarpStatus'
        'Set-CarpMaintenance'
        'Get-PfsyncStatus'
        'Get-PfGateway'
        'ConvertFrom-PfSenseOutput'
        'ConvertTo-HaEdgeJson'
        'Test-HaEdgeConnection'
        'Test-HaFailover'
        'Export-HaFailoverReport'
        'Get-PfHaSync'
        'Compare-PfConfig'
        'Sync-PfConfig'
        'Assert-AntiAffinity'
        'Test-HaEdgeSymmetry'
        'Test-HaEdge'
        'Suspend-HaEdgeNode'
        'Resume-HaEdgeNode'
        'Get-HaEdgeAcceptanceTest'
        'Watch-HaEdge'
        'Export-HaEdgeMetric'
    )
    FunctionsToExport      = @()
    VariablesToExport      = @()
    AliasesToExport        = @()
    PrivateData            = @{
        PSData = @{
            Tags         = @('pfSense', 'Proxmox', 'ProxmoxVE', 'CARP', 'pfsync', 'HA', 'HighAvailability', 'Failover', 'Firewall', 'Pester', 'PSEdition_Desktop', 'PSEdition_Core', 'Linux')
            # The project's home is not published yet; these addresses are where it will live (CHANGELOG.md).
            ProjectUri   = 'https://github.com/haedge/haedge'
            LicenseUri   = 'https://github.com/haedge/haedge/blob/main/LICENSE'
            ReleaseNotes = 'First release: read, check, maintain and failover-test a pfSense CARP pair on two Proxmox VE nodes. See https://github.com/haedge/haedge/blob/main/CHANGELOG.md'
        }
    }
}
