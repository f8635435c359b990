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
        'Test-HaEdgeConnection'
        'Test-HaFailover'
        'Get-PfHaSync'
        'Compare-PfConfig'
        'Sync-PfConfig'
        'Assert-AntiAffinity'
        'Test-HaEdgeSymmetry'
        'Test-HaEdge'
        'Suspend-HaEdgeNode'
        'Resume-HaEdgeNode'
    )
    FunctionsToExport      = @()
    VariablesToExport      = @()
    AliasesToExport        = @()
    PrivateData            = @{
        PSData = @{
            Tags       = @('pfSense', 'Proxmox', 'CARP', 'HA', 'Failover', 'PSEdition_Desktop', 'PSEdition_Core', 'Linux')
            LicenseUri = 'https://opensource.org/licenses/MIT'
        }
    }
}
