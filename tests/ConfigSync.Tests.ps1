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

    # A closed loopback port: bound but not listening, so connections to it are refused at once, and held for the
    # whole file so no other process can take it meanwhile.
    $script:ClosedSocket = [Net.Sockets.Socket]::new([Net.Sockets.AddressFamily]::InterNetwork, [Net.Sockets.SocketType]::Stream, [Net.Sockets.ProtocolType]::Tcp)
    $ClosedSocket.Bind([Net.IPEndPoint]::new([Net.IPAddress]::Loopback, 0))
    $script:ClosedPort = $ClosedSocket.LocalEndPoint.Port

    $starter = Join-Path $TestDrive 'starter.json'
    New-HaEdgeDefinition -Path $starter | Out-Null
    $text = Get-Content -Raw $starter
    $script:Unreachable = Join-Path $TestDrive 'unreachable.json'
    $text -replace 'https://192\.0\.2\.[23]/xmlrpc\.php', "https://127.0.0.1:$ClosedPort/xmlrpc.php" | Set-Content $Unreachable
    $script:NoXmlRpc = Join-Path $TestDrive 'no-xmlrpc.json'
    ($text -split "`n" | Where-Object { $_ -notmatch '"xmlrpc"' }) -join "`n" | Set-Content $NoXmlRpc
}

AfterAll {
    $ClosedSocket.Dispose()
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

Describe 'Compare-PfConfig -Section completion' -Tag Unit {
    It 'offers the sections the HA sync boxes send' {
        $line = 'Compare-PfConfig -Section sys'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText |
            Should -Be @('system/authserver', 'system/group', 'system/user')
    }
}

Describe 'Config sync format views' -Tag Unit {
    BeforeAll {
        $settings = [HaEdge.Core.Model.Sync.HaSyncSettings]::new($true, 'opt1', '10.0.0.2', $null, '10.0.0.2', 'hasync', $true, [string[]]@('synchronizerules'))
        $firmware = [HaEdge.Core.Model.Sync.PfFirmwareInfo]::new('2.7.2-RELEASE', $null, $null, 'pfSense', '23.3')
        $finding = [HaEdge.Core.Model.Sync.Finding]::new('Error', 'SecondaryUnreachable', 'fw2', 'fw2 could not be read over XML-RPC.', 'Check it.')
        $script:Status = [HaEdge.Core.PfSense.Sync.PfHaSyncStatus]::new('fw1', 'fw2', $settings, $firmware, $null, $null, [HaEdge.Core.Model.Sync.Finding[]]@($finding))
    }

    It 'show the settings, both config versions and each finding of a PfHaSyncStatus' {
        $text = $Status | Out-String -Width 200
        $text | Should -Match 'Sections\s+: filter, schedules'
        $text | Should -Match 'ConfigVersion\s+: 23\.3 / \? \(2\.7\.2-RELEASE\)'
        $text | Should -Match 'Error SecondaryUnreachable \[fw2\]'
        $Status.ReadyToSync | Should -BeFalse
    }

    It 'show a difference with (absent) for a missing side, and a sync result as one row' {
        # [NullString]: PowerShell passes $null to a string parameter as "".
        $difference = [HaEdge.Core.Model.Sync.ConfigDifference]::new('filter', 'filter/rule[tracker=1]', '{descr: x}', [NullString]::Value)
        ($difference | Out-String -Width 200) | Should -Match 'filter/rule\[tracker=1\]\s+\{descr: x\}\s+\(absent\)'
        $plan = [HaEdge.Core.PfSense.Sync.PfConfigSyncPlan]::new($Status, [HaEdge.Core.Model.Sync.ConfigDifference[]]@($difference))
        ($plan.NotTriggered() | Out-String -Width 200) | Should -Match 'fw1\s+fw2\s+False\s+0\.0\s+1\s+1\s+False'
    }
}

Describe 'Config sync end to end in the rehearsal lab' -Tag Lab -Skip:(-not $LabPossible) {
    BeforeAll {
        $script:StateDir = '/run/haedge-lab'
        $script:LanRule = 'filter/rule[tracker=0100000101]/descr'
        $script:Drifted = 'Drifted on fw2 by ConfigSync.Tests'
        . (Join-Path $PSScriptRoot 'support/Lab.ps1')
        Start-Lab | Out-Null
        $edge = Get-Content -Raw "$StateDir/edge.json" | ConvertFrom-Json
        $script:PrimarySync = $edge.firewalls[0].syncAddress
        $script:SecondarySync = $edge.firewalls[1].syncAddress

        # A change to a lab firewall's config.xml, under the lock the lab's XMLRPC server takes, written atomically.
        function Edit-LabConfig([string] $Firewall, [scriptblock] $Change) {
            $path = "$StateDir/$Firewall/config.xml"
            $lock = [IO.FileStream]::new("$path.lock", 'OpenOrCreate', 'ReadWrite', 'None')
            try {
                [IO.File]::WriteAllText("$path.configsync", (& $Change ([IO.File]::ReadAllText($path))))
                [IO.File]::Move("$path.configsync", $path, $true)
            }
            finally { $lock.Dispose() }
        }
    }

    It 'Get-PfHaSync reads the pair and finds nothing wrong' {
        $status = Invoke-InLabAdmin { Get-PfHaSync }
        $status.SynchronizeToIp | Should -Be $SecondarySync
        $status.PfsyncPeerIp | Should -Be $SecondarySync
        $status.Sections | Should -Contain 'filter'
        $status.ConfigVersion | Should -Be $status.SecondaryConfigVersion
        $status.Findings | Should -BeNullOrEmpty
        $status.ReadyToSync | Should -BeTrue
    }

    It 'Compare-PfConfig shows exactly the drift introduced on the secondary, and -WhatIf leaves it' {
        Edit-LabConfig fw2 { param($xml) $xml.Replace('<![CDATA[Default allow LAN to any rule]]>', "<![CDATA[$Drifted]]>") }

        # One PowerShell for both steps: starting one in the namespace costs seconds.
        $seen = Invoke-InLabAdmin { [pscustomobject]@{ Before = @(Compare-PfConfig); AfterWhatIf = @(Sync-PfConfig -WhatIf; Compare-PfConfig) } }
        $differences = @($seen.Before)
        $differences.Count | Should -Be 1
        $differences[0].Section | Should -Be 'filter'
        $differences[0].Path | Should -Be $LanRule
        $differences[0].PrimaryValue | Should -Be 'Default allow LAN to any rule'
        $differences[0].SecondaryValue | Should -Be $Drifted
        @($seen.AfterWhatIf).Path | Should -Be @($LanRule)
    }

    It 'Sync-PfConfig removes it through rc.filter_synchronize and a second compare is empty' {
        $seen = Invoke-InLabAdmin { [pscustomobject]@{ Sync = Sync-PfConfig -Confirm:$false; Compare = @(Compare-PfConfig); Again = Sync-PfConfig -Confirm:$false } }
        $result = $seen.Sync
        $result.Triggered | Should -BeTrue
        $result.DriftGone | Should -BeTrue
        ($result.DifferencesBefore, $result.DifferencesAfter) | Should -Be @(1, 0)
        $result.Resolved.Path | Should -Be $LanRule
        (Get-Content -Raw "$StateDir/fw2/config.xml") | Should -Not -Match $Drifted
        @($seen.Compare).Count | Should -Be 0
        $seen.Again.Triggered | Should -BeFalse
    }

    It 'refuses when the secondary syncs back (loop guard) and names it in Get-PfHaSync' {
        Edit-LabConfig fw2 { param($xml) $xml -replace '<synchronizetoip>[^<]*</synchronizetoip>|<synchronizetoip/>', "<synchronizetoip>$PrimarySync</synchronizetoip>" }
        try {
            $refusal = Invoke-InLabAdmin {
try { Sync-PfConfig -Confirm:$false -Force; 'not refused' }
catch { [pscustomobject]@{ Id = $_.FullyQualifiedErrorId; Category = "$($_.CategoryInfo.Category)"; Message = $_.Exception.Message; Findings = @((Get-PfHaSync).Findings.Code) } }
}
            $refusal.Id | Should -Be 'PfConfigSyncLoopGuard,HaEdge.Commands.SyncPfConfigCommand'
            $refusal.Category | Should -Be 'InvalidOperation'
            $refusal.Message | Should -Match 'loop guard'
            $refusal.Findings | Should -Contain 'SecondaryHasSyncTarget'
        }
        finally {
            Edit-LabConfig fw2 { param($xml) $xml -replace "<synchronizetoip>$([regex]::Escape($PrimarySync))</synchronizetoip>", '<synchronizetoip></synchronizetoip>' }
        }
    }

    It 'refuses when the secondary cannot be read, with the reason' {
        $refusal = Invoke-InLabAdmin {
$env:HAEDGE_FW2_XMLRPC_PASSWORD = 'not-the-password'
try { Sync-PfConfig -Confirm:$false -Force; 'not refused' }
catch { [pscustomobject]@{ Id = $_.FullyQualifiedErrorId; Category = "$($_.CategoryInfo.Category)"; Message = $_.Exception.Message } }
}
        $refusal.Id | Should -Be 'PfConfigSyncPeerUnreachable,HaEdge.Commands.SyncPfConfigCommand'
        $refusal.Category | Should -Be 'AuthenticationError'
        $refusal.Message | Should -Match 'fw2 could not be read over XML-RPC'
        $refusal.Message | Should -Not -Match 'not-the-password'
    }
}
