#Requires -Modules Pester
# The public surface of every cmdlet, pinned: parameters, parameter sets, output type, ShouldProcess and help.
BeforeDiscovery {
    $script:Contract = @(
        @{ Name = 'Connect-HaEdge'; Parameters = 'Path', 'Credential', 'SshCredential', 'SshKeyPassphrase', 'TrustOnFirstUse', 'SkipCheck'; Sets = '__AllParameterSets'; Output = 'EdgeSession'; Impact = $null }
        @{ Name = 'Disconnect-HaEdge'; Parameters = 'Session', 'All'; Sets = 'Session', 'All'; Output = 'Void'; Impact = 'Low' }
        @{ Name = 'Get-HaEdgeSession'; Parameters = 'Current'; Sets = '__AllParameterSets'; Output = 'EdgeSession'; Impact = $null }
        @{ Name = 'New-HaEdgeDefinition'; Parameters = 'Path', 'Force'; Sets = '__AllParameterSets'; Output = 'FileInfo'; Impact = 'Low' }
        @{ Name = 'Get-HaEdgeNode'; Parameters = 'Node', 'ThrottleLimit', 'Session'; Sets = '__AllParameterSets'; Output = 'HaEdgeNode'; Impact = $null }
        @{ Name = 'Test-HaFailover'; Parameters = 'Scenario', 'WanPullMethod', 'WanGateway', 'WanNet', 'WanPullScript', 'WanRestoreScript', 'ProbeInterval', 'IncludeDownload', 'MaxOutage', 'Baseline', 'Settle', 'RestoreTimeout', 'ReportPath', 'Force', 'Session'; Sets = '__AllParameterSets'; Output = 'FailoverResult'; Impact = 'High' }
        @{ Name = 'Export-HaFailoverReport'; Parameters = 'Path', 'InputObject', 'ResultPath', 'Title'; Sets = 'InputObject', 'ResultPath'; Output = 'FileInfo'; Impact = 'Low' }
        @{ Name = 'Test-HaEdgeConnection'; Parameters = 'ProxmoxOnly', 'SshOnly', 'ThrottleLimit', 'Session'; Sets = '__AllParameterSets'; Output = 'ConnectionCheck'; Impact = $null }
        @{ Name = 'Get-HaEdgeVm'; Parameters = 'Firewall', 'Node', 'ThrottleLimit', 'Session'; Sets = '__AllParameterSets'; Output = 'HaEdgeVm'; Impact = $null }
        @{ Name = 'Get-PfHaSync'; Parameters = 'ThrottleLimit', 'XmlRpcCredential', 'Session'; Sets = '__AllParameterSets'; Output = 'PfHaSyncStatus'; Impact = $null }
        @{ Name = 'Compare-PfConfig'; Parameters = 'Section', 'ThrottleLimit', 'XmlRpcCredential', 'Session'; Sets = '__AllParameterSets'; Output = 'ConfigDifference'; Impact = $null }
        @{ Name = 'Sync-PfConfig'; Parameters = 'Timeout', 'Force', 'XmlRpcCredential', 'Session'; Sets = '__AllParameterSets'; Output = 'PfConfigSyncResult'; Impact = 'Medium' }
        @{ Name = 'Assert-AntiAffinity'; Parameters = 'Vm', 'Repair', 'PassThru', 'Session'; Sets = '__AllParameterSets'; Output = 'Finding'; Impact = 'Medium' }
        @{ Name = 'Test-HaEdgeSymmetry'; Parameters = 'Segment', 'Ipv6CarpSegment', 'ThrottleLimit', 'Session'; Sets = '__AllParameterSets'; Output = 'Finding'; Impact = $null }
        @{ Name = 'Get-CarpStatus'; Parameters = 'Firewall', 'Timeout', 'ThrottleLimit', 'Session'; Sets = '__AllParameterSets'; Output = 'CarpVipStatus'; Impact = $null }
        @{ Name = 'Set-CarpMaintenance'; Parameters = 'Enable', 'Disable', 'Firewall', 'Timeout', 'NoWait', 'Force', 'PassThru', 'Session'; Sets = 'Enable', 'Disable'; Output = 'CarpMaintenanceResult'; Impact = 'High' }
        @{ Name = 'Get-PfsyncStatus'; Parameters = 'Firewall', 'Timeout', 'ThrottleLimit', 'Session'; Sets = '__AllParameterSets'; Output = 'PfsyncNodeStatus'; Impact = $null }
        @{ Name = 'Get-PfGateway'; Parameters = 'Firewall', 'Timeout', 'ThrottleLimit', 'Session'; Sets = '__AllParameterSets'; Output = 'PfGateway'; Impact = $null }
        @{ Name = 'Test-HaEdge'; Parameters = 'Quiet', 'Timeout', 'ThrottleLimit', 'XmlRpcCredential', 'Session'; Sets = '__AllParameterSets'; Output = 'HaEdgeReadiness'; Impact = $null }
        @{ Name = 'Suspend-HaEdgeNode'; Parameters = 'Node', 'HaMaintenance', 'Force', 'Timeout', 'XmlRpcCredential', 'Session'; Sets = '__AllParameterSets'; Output = 'HaEdgeNodeMaintenanceResult'; Impact = 'High' }
        @{ Name = 'Resume-HaEdgeNode'; Parameters = 'Node', 'HaMaintenance', 'Force', 'Timeout', 'XmlRpcCredential', 'Session'; Sets = '__AllParameterSets'; Output = 'HaEdgeNodeMaintenanceResult'; Impact = 'High' }
        @{ Name = 'Get-HaEdgeAcceptanceTest'; Parameters = @(); Sets = '__AllParameterSets'; Output = 'FileInfo'; Impact = $null }
        @{ Name = 'ConvertFrom-PfSenseOutput'; Parameters = 'Kind', 'InputObject'; Sets = '__AllParameterSets'; Output = 'IfconfigOutput'; Impact = $null }
        @{ Name = 'ConvertTo-HaEdgeJson'; Parameters = 'InputObject', 'AsArray', 'Compress'; Sets = '__AllParameterSets'; Output = 'String'; Impact = $null }
        @{ Name = 'Watch-HaEdge'; Parameters = 'Interval', 'SlowInterval', 'Duration', 'Count', 'SkipInitial', 'MetricsPort', 'MetricsAddress', 'LossThreshold', 'DelayThreshold', 'Timeout', 'XmlRpcCredential', 'Session'; Sets = '__AllParameterSets'; Output = 'HaEdgeEvent'; Impact = $null }
        @{ Name = 'Export-HaEdgeMetric'; Parameters = 'Path', 'FailoverResultPath', 'PassThru', 'Timeout', 'ThrottleLimit', 'XmlRpcCredential', 'Session'; Sets = '__AllParameterSets'; Output = 'String'; Impact = 'Low' }
    )
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    # Every parameter with an alias, pipeline input, wildcards, an argument transformation or Tab completion (issue 14):
    # names complete from the session, durations go through one transformation, the natural pipelines bind.
    $session = '-Session EdgeSession Completer=SessionNameCompleter'
    # The many-edge cmdlets whose pipeline is free take sessions from it too.
    $pipedSession = '-Session ByValue EdgeSession Completer=SessionNameCompleter'
    # The cmdlets that take HaEdge rows bind each row's Edge, so a row is read or changed in its own edge.
    $rowSession = '-Session Alias=Edge ByPropertyName EdgeSession Completer=SessionNameCompleter'
    $script:Binding = @{
        'Assert-AntiAffinity' = @($rowSession, '-Vm ByValue')
        'Compare-PfConfig' = @('-Section Alias=Sections ByPropertyName Wildcards Completer=SyncSectionCompleter', $rowSession, '-XmlRpcCredential Credential')
        'Connect-HaEdge' = @('-Credential Credential', '-Path Alias=FullName ByPropertyName Wildcards', '-SshCredential Credential')
        'ConvertFrom-PfSenseOutput' = @('-InputObject ByValue')
        'ConvertTo-HaEdgeJson' = @('-InputObject ByValue')
        'Disconnect-HaEdge' = @('-Session ByValue EdgeSession Completer=SessionNameCompleter')
        'Export-HaFailoverReport' = @('-InputObject ByValue')
        'Get-CarpStatus' = @('-Firewall ByValue ByPropertyName Wildcards Names Completer=FirewallNameCompleter', $rowSession, '-Timeout Alias=TimeoutSec Duration')
        'Get-HaEdgeAcceptanceTest' = @()
        'Get-HaEdgeNode' = @('-Node Alias=Name ByValue ByPropertyName Wildcards Names Completer=NodeNameCompleter', $rowSession)
        'Get-HaEdgeSession' = @()
        'Get-HaEdgeVm' = @('-Firewall ByValue ByPropertyName Wildcards Names Completer=FirewallNameCompleter', '-Node ByPropertyName Wildcards Completer=NodeNameCompleter', $rowSession)
        'Get-PfGateway' = @('-Firewall ByValue ByPropertyName Wildcards Names Completer=FirewallNameCompleter', $rowSession, '-Timeout Alias=TimeoutSec Duration')
        'Get-PfHaSync' = @($pipedSession, '-XmlRpcCredential Credential')
        'Get-PfsyncStatus' = @('-Firewall ByValue ByPropertyName Wildcards Names Completer=FirewallNameCompleter', $rowSession, '-Timeout Alias=TimeoutSec Duration')
        'New-HaEdgeDefinition' = @()
        'Resume-HaEdgeNode' = @('-Node ByValue ByPropertyName Names Completer=NodeNameCompleter', $rowSession, '-Timeout Alias=TimeoutSec Duration', '-XmlRpcCredential Credential')
        'Set-CarpMaintenance' = @('-Firewall ByValue ByPropertyName Wildcards Names Completer=FirewallNameCompleter', $rowSession, '-Timeout Alias=TimeoutSec Duration')
        'Suspend-HaEdgeNode' = @('-Node ByValue ByPropertyName Names Completer=NodeNameCompleter', $rowSession, '-Timeout Alias=TimeoutSec Duration', '-XmlRpcCredential Credential')
        'Sync-PfConfig' = @($session, '-Timeout Alias=TimeoutSec Duration', '-XmlRpcCredential Credential')
        'Test-HaEdge' = @($pipedSession, '-Timeout Alias=TimeoutSec Duration', '-XmlRpcCredential Credential')
        'Test-HaEdgeConnection' = @($session)
        'Test-HaEdgeSymmetry' = @('-Ipv6CarpSegment Wildcards Completer=SegmentNameCompleter', '-Segment ByValue Wildcards Names Completer=SegmentNameCompleter', $session)
        'Watch-HaEdge' = @('-DelayThreshold Duration', '-Duration Duration', '-Interval Duration', $pipedSession, '-SlowInterval Duration', '-Timeout Alias=TimeoutSec Duration', '-XmlRpcCredential Credential')
        'Export-HaEdgeMetric' = @($pipedSession, '-Timeout Alias=TimeoutSec Duration', '-XmlRpcCredential Credential')
        'Test-HaFailover' = @('-Baseline Duration', '-MaxOutage Duration', '-ProbeInterval Duration', '-RestoreTimeout Duration', $session, '-Settle Duration', '-WanGateway Completer=GatewayNameCompleter')
    }
    $script:Common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
    $script:Manifest = Import-PowerShellDataFile (Join-Path $script:ModulePath 'HaEdge.psd1')
}

Describe 'Module manifest' -Tag Unit, Contract {
    It 'exports exactly the declared cmdlets and nothing else' {
        $exported = (Get-Module HaEdge).ExportedCommands.Keys | Sort-Object
        $exported | Should -Be ($Manifest.CmdletsToExport | Sort-Object)
        (Get-Module HaEdge).ExportedFunctions.Count | Should -Be 0
        (Get-Module HaEdge).ExportedAliases.Count | Should -Be 0
        (Get-Module HaEdge).ExportedVariables.Count | Should -Be 0
    }

    It 'declares no wildcard exports and both editions' {
        $Manifest.CmdletsToExport | Should -Not -Contain '*'
        $Manifest.FunctionsToExport | Should -BeNullOrEmpty
        $Manifest.CompatiblePSEditions | Should -Be @('Desktop', 'Core')
        $Manifest.PowerShellVersion | Should -Be '5.1'
        $Manifest.ContainsKey('RequiredAssemblies') | Should -BeFalse
    }

    It 'takes its version from the manifest (one source of truth)' {
        $version = (Get-Item (Join-Path $ModulePath 'HaEdge.dll')).VersionInfo.ProductVersion
        $version | Should -BeLike "$($Manifest.ModuleVersion)*"
    }

    It 'pins the contract of every exported cmdlet' {
        $Manifest.CmdletsToExport | Sort-Object | Should -Be ($Contract.Name | Sort-Object)
    }
}

Describe '<Name> contract' -Tag Unit, Contract -ForEach $Contract {
    BeforeAll {
        $script:Command = Get-Command $Name -Module HaEdge
        $script:Attribute = $Command.ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $true)[0]
    }

    It 'has exactly the pinned parameters' {
        $Command.Parameters.Keys | Where-Object { $_ -notin $Common } | Sort-Object | Should -Be ($Parameters | Sort-Object)
    }

    It 'has the pinned parameter sets' {
        $Command.ParameterSets.Name | Sort-Object | Should -Be ($Sets | Sort-Object)
    }

    It 'declares its output type' {
        $Command.OutputType.Type.Name | Should -Contain $Output
    }

    It 'supports ShouldProcess exactly when it changes something' {
        $Attribute.SupportsShouldProcess | Should -Be ($null -ne $Impact)
        if ($Impact) { "$($Attribute.ConfirmImpact)" | Should -Be $Impact }
    }

    It 'is a sealed class' {
        $Command.ImplementingType.IsSealed | Should -BeTrue
    }

    It 'has help with a synopsis and at least two examples' {
        $help = Get-Help $Name -Full
        $help.Synopsis | Should -Not -BeLike "*$Name*[[]*"
        @($help.examples.example).Count | Should -BeGreaterOrEqual 2
        foreach ($example in $help.examples.example) { $example.code | Should -Match $Name }
    }

    It 'pins its parameters'' aliases, pipeline input, wildcards, argument transformation and Tab completion' {
        $actual = foreach ($parameter in $Command.Parameters.Values | Where-Object Name -notin $Common) {
            $sets = $parameter.ParameterSets.Values
            $pin = @(
                foreach ($alias in $parameter.Aliases | Sort-Object) { "Alias=$alias" }
                if ($true -in $sets.ValueFromPipeline) { 'ByValue' }
                if ($true -in $sets.ValueFromPipelineByPropertyName) { 'ByPropertyName' }
                if ($parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] }) { 'Wildcards' }
                foreach ($a in $parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ArgumentTransformationAttribute] }) { $a.GetType().Name -replace 'Attribute$' }
                foreach ($a in $parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ArgumentCompleterAttribute] }) { "Completer=$($a.Type.Name)" }
            )
            if ($pin) { "-$($parameter.Name) $($pin -join ' ')" }
        }
        $Binding.ContainsKey($Name) | Should -BeTrue -Because 'every cmdlet pins its bindings in $Binding'
        (@($actual | Sort-Object) -join ' | ') | Should -Be (@($Binding[$Name] | Sort-Object) -join ' | ')
    }

    It 'has a format view for what it outputs' {
        $type = $Command.OutputType.Type | Where-Object { $_ -ne [void] } | Select-Object -First 1
        if ($type -and $type.Namespace -like 'HaEdge*') {
            Get-FormatData -TypeName $type.FullName | Should -Not -BeNullOrEmpty
        }
    }
}
