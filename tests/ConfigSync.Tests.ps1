#Requires -Modules Pester
# Config sync cmdlets (issue 7). Unit: what needs no firewall (missing secrets, no xmlrpc entry, an unreachable
# endpoint, the refusal before any SSH). Lab: end to end in the rehearsal lab, run from its admin namespace as an
# operator's laptop would: drift introduced on the secondary's config.xml, Compare-PfConfig shows exactly it,
# Sync-PfConfig removes it through pfSense's rc.filter_synchronize, and a second compare is empty.

BeforeDiscovery {
    $script:LabPossible = $IsLinux -and ((& id -u) -eq '0')
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:Token = [pscredential]::new('haedge@pve!edge', (ConvertTo-SecureString 'f3b2c1d0-aaaa-bbbb-cccc-000000000001' -AsPlainText -Force))
    $script:XmlRpcPassword = 'xmlrpc-S3cret-never-shown'
    $script:XmlRpcCredential = [pscredential]::new('hasync', (ConvertTo-SecureString $XmlRpcPassword -AsPlainText -Force))

    # A closed loopback port: connections to it are refused at once.
    $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
    $listener.Start(); $script:ClosedPort = $listener.LocalEndpoint.Port; $listener.Stop()

    $starter = Join-Path $TestDrive 'starter.json'
    New-HaEdgeDefinition -Path $starter | Out-Null
    $text = Get-Content -Raw $starter
    $script:Unreachable = Join-Path $TestDrive 'unreachable.json'
    $text -replace 'https://192\.0\.2\.[23]/xmlrpc\.php', "https://127.0.0.1:$ClosedPort/xmlrpc.php" | Set-Content $Unreachable
    $script:NoXmlRpc = Join-Path $TestDrive 'no-xmlrpc.json'
    ($text -split "`n" | Where-Object { $_ -notmatch '"xmlrpc"' }) -join "`n" | Set-Content $NoXmlRpc
}

Describe 'Config sync cmdlets without a firewall' -Tag Unit {
    BeforeEach { $env:HAEDGE_XMLRPC_PASSWORD = $null }
    AfterEach { Get-HaEdgeSession | Disconnect-HaEdge -Confirm:$false }

    It '<Command> says which variable holds the missing XML-RPC password' -ForEach @(
        @{ Command = 'Get-PfHaSync'; Class = 'GetPfHaSyncCommand' }
        @{ Command = 'Compare-PfConfig'; Class = 'ComparePfConfigCommand' }
        @{ Command = 'Sync-PfConfig'; Class = 'SyncPfConfigCommand' }
    ) {
        Connect-HaEdge -Path $Unreachable -Credential $Token | Out-Null
        $err = { & $Command -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be "XmlRpcPasswordMissing,HaEdge.Commands.$Class"
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.TargetObject | Should -Be 'fw1'
        $err.Exception.Message | Should -Match 'HAEDGE_XMLRPC_PASSWORD is not set.*-XmlRpcCredential'
    }

    It 'names the firewall without an xmlrpc entry' {
        Connect-HaEdge -Path $NoXmlRpc -Credential $Token | Out-Null
        $err = { Compare-PfConfig -XmlRpcCredential $XmlRpcCredential } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'XmlRpcNotConfigured,*'
        $err.Exception.Message | Should -Match ([regex]::Escape($NoXmlRpc))
    }

    It 'refuses an empty -XmlRpcCredential password' {
        Connect-HaEdge -Path $Unreachable -Credential $Token | Out-Null
        $empty = [pscredential]::new('hasync', [securestring]::new())
        { Get-PfHaSync -XmlRpcCredential $empty } | Should -Throw -ErrorId 'XmlRpcPasswordMissing,HaEdge.Commands.GetPfHaSyncCommand'
    }

    It 'reports an unreachable primary as a connection error without showing the password' {
        Connect-HaEdge -Path $Unreachable -Credential $Token | Out-Null
        $err = { Get-PfHaSync -XmlRpcCredential $XmlRpcCredential } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'XmlRpcUnreachable,*'
        $err.CategoryInfo.Category | Should -Be 'ConnectionError'
        $err.TargetObject | Should -Be 'fw1'
        ($err | Out-String) | Should -Not -Match $XmlRpcPassword
    }

    It 'reads the password from the variable the definition names' {
        $env:HAEDGE_XMLRPC_PASSWORD = $XmlRpcPassword
        Connect-HaEdge -Path $Unreachable -Credential $Token | Out-Null
        { Compare-PfConfig -Section filter } | Should -Throw -ErrorId 'XmlRpcUnreachable,HaEdge.Commands.ComparePfConfigCommand'
    }

    It 'Sync-PfConfig -WhatIf stops at the first check and runs nothing' {
        Connect-HaEdge -Path $Unreachable -Credential $Token | Out-Null
        $err = { Sync-PfConfig -XmlRpcCredential $XmlRpcCredential -WhatIf } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'XmlRpcUnreachable,HaEdge.Commands.SyncPfConfigCommand'
        (Get-HaEdgeSession -Current).Ssh.SeenHostKeys.Count | Should -Be 0
    }
}
