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
    New-FilledStarter -Path $starter | Out-Null
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
        Connect-HaEdge -SkipCheck -Path $Unreachable -Credential $Token | Out-Null
        $err = { & $Command -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be "XmlRpcPasswordMissing,HaEdge.Commands.$Class"
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.TargetObject | Should -Be 'fw1'
        $err.Exception.Message | Should -Match 'HAEDGE_XMLRPC_PASSWORD is not set.*-XmlRpcCredential'
    }

    It 'names the firewall without an xmlrpc entry' {
        Connect-HaEdge -SkipCheck -Path $NoXmlRpc -Credential $Token | Out-Null
        $err = { Compare-PfConfig -XmlRpcCredential $XmlRpcCredential } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'XmlRpcNotConfigured,*'
        $err.Exception.Message | Should -Match ([regex]::Escape($NoXmlRpc))
    }

    It 'refuses an empty -XmlRpcCredential password' {
        Connect-HaEdge -SkipCheck -Path $Unreachable -Credential $Token | Out-Null
        $empty = [pscredential]::new('hasync', [securestring]::new())
        { Get-PfHaSync -XmlRpcCredential $empty } | Should -Throw -ErrorId 'XmlRpcPasswordMissing,HaEdge.Commands.GetPfHaSyncCommand'
    }

    It 'reports an unreachable primary as a connection error without showing the password' {
        Connect-HaEdge -SkipCheck -Path $Unreachable -Credential $Token | Out-Null
        $err = { Get-PfHaSync -XmlRpcCredential $XmlRpcCredential } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'XmlRpcUnreachable,*'
        $err.CategoryInfo.Category | Should -Be 'ConnectionError'
        $err.TargetObject | Should -Be 'fw1'
        ($err | Out-String) | Should -Not -Match $XmlRpcPassword
    }

    It 'reads the password from the variable the definition names' {
        $env:HAEDGE_XMLRPC_PASSWORD = $XmlRpcPassword
        Connect-HaEdge -SkipCheck -Path $Unreachable -Credential $Token | Out-Null
        { Compare-PfConfig -Section filter } | Should -Throw -ErrorId 'XmlRpcUnreachable,HaEdge.Commands.ComparePfConfigCommand'
    }

    It 'Sync-PfConfig -WhatIf stops at the first check and runs nothing' {
        Connect-HaEdge -SkipCheck -Path $Unreachable -Credential $Token | Out-Null
        $err = { Sync-PfConfig -XmlRpcCredential $XmlRpcCredential -WhatIf } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'XmlRpcUnreachable,HaEdge.Commands.SyncPfConfigCommand'
        (Get-CoreInternal (Get-HaEdgeSession -Current) Ssh).SeenHostKeys.Count | Should -Be 0
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
        $settings = [HaEdge.Core.ConfigSync.HaSyncSettings]::new($true, 'opt1', '10.0.0.2', $null, '10.0.0.2', 'hasync', $true, [string[]]@('synchronizerules'))
        $firmware = [HaEdge.Core.ConfigSync.PfFirmwareInfo]::new('2.7.2-RELEASE', $null, $null, 'pfSense', '23.3')
        $finding = [HaEdge.Core.Checks.Finding]::new('Error', 'SecondaryUnreachable', 'fw2', 'fw2 could not be read over XML-RPC.', 'Check it.')
        $script:Status = [HaEdge.Core.ConfigSync.PfHaSyncStatus]::new('fw1', 'fw2', $settings, $firmware, $null, $null, [HaEdge.Core.Checks.Finding[]]@($finding))
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
        $difference = [HaEdge.Core.ConfigSync.ConfigDifference]::new('filter', 'filter/rule[tracker=1]', '{descr: x}', [NullString]::Value)
        ($difference | Out-String -Width 200) | Should -Match 'filter/rule\[tracker=1\]\s+\{descr: x\}\s+\(absent\)\s+no: drift'
        $plan = [HaEdge.Core.ConfigSync.PfConfigSyncPlan]::new($Status, [HaEdge.Core.ConfigSync.ConfigDifference[]]@($difference))
        ($plan.NotTriggered() | Out-String -Width 200) | Should -Match 'fw1\s+fw2\s+False\s+0\.0 s\s+1\s+1\s+False\s+-'
    }

    It 'show an expected difference with its rule, and drift a sync rewrites with the value it would leave' {
        $expected = [HaEdge.Core.ConfigSync.ConfigDifference]::new('virtualip', 'virtualip/vip[uniqid=1]/advskew', '0', '100', 'CarpAdvskew', 'advskew + 100', [NullString]::Value)
        $drift = [HaEdge.Core.ConfigSync.ConfigDifference]::new('virtualip', 'virtualip/vip[uniqid=1]/advskew', '0', '0', [NullString]::Value, [NullString]::Value, '100')
        $text = @($expected, $drift) | Out-String -Width 200
        $text | Should -Match 'advskew\s+0\s+100\s+CarpAdvskew'
        $text | Should -Match 'advskew\s+0\s+0\s+no: drift, a sync makes it 100'
    }
}

Describe 'Config sync end to end in the rehearsal lab' -Tag Lab -Skip:(-not $LabPossible) {
    BeforeAll {
        $script:StateDir = '/run/haedge-lab'
        $script:LanRule = 'filter/rule[tracker=0100000101]/descr'
        $script:AdminsPriv = 'system/group[name=admins]/priv'
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

    It 'Item 1: a correctly synced pair shows no drift, only what pfSense keeps different, each with its rule; Test-HaEdge''s config check passes' {
        $seen = Invoke-InLabAdmin {
            $differences = @(Compare-PfConfig)
            # The edge as designed: the HA rule that keeps the firewalls apart (a fresh lab has none).
            Assert-AntiAffinity -Repair -Confirm:$false | Out-Null
            $r = Test-HaEdge -TimeoutSec 30
            [pscustomobject]@{
                Differences = @($differences | Select-Object Path, Expected, Rule)
                Ready       = $r.Ready
                Checks      = @($r.Checks | ForEach-Object { "$($_.Check)=$($_.Verdict)" })
                Errors      = @($r.Errors | ForEach-Object { "$($_.Code) [$($_.Target)]: $($_.Message)" })
            }
        }
        @($seen.Differences | Where-Object { -not $_.Expected }).Path | Should -BeNullOrEmpty
        # Each firewall's own admin password hash ("Synchronize admin" is off), and the VIPs' advskew + 100.
        ($seen.Differences | Where-Object Path -EQ 'system/user[name=admin]/bcrypt-hash').Rule | Should -Be 'UserKeptLocal'
        @($seen.Differences | Where-Object Rule -EQ 'CarpAdvskew').Count | Should -Be 3
        $seen.Checks | Should -Contain 'ConfigDrift=Passed'
        $seen.Ready | Should -BeTrue -Because ($seen.Errors -join '; ')
    }

    It 'Compare-PfConfig shows exactly the drift introduced on the secondary, and -WhatIf leaves it' {
        Edit-LabConfig fw2 { param($xml) $xml.Replace('<![CDATA[Default allow LAN to any rule]]>', "<![CDATA[$Drifted]]>").Replace(
                '<priv>page-all</priv>', '<priv>page-all</priv><priv>user-shell-access</priv>') }

        # One PowerShell for both steps: starting one in the namespace costs seconds.
        $seen = Invoke-InLabAdmin { [pscustomobject]@{ Before = @(Compare-PfConfig); AfterWhatIf = @(Sync-PfConfig -WhatIf; Compare-PfConfig) } }
        # In the order of the HA sync page's boxes: users and groups before the rules.
        $differences = @($seen.Before | Where-Object { -not $_.Expected })
        $differences.Path | Should -Be @($AdminsPriv, $LanRule)
        # admins is gid 1999, not < 1999: the primary's replaces it, so a change there is drift.
        ($differences[0].Section, $differences[0].SecondaryValue) | Should -Be @('system/group', 'user-shell-access')
        $differences[1].Section | Should -Be 'filter'
        $differences[1].PrimaryValue | Should -Be 'Default allow LAN to any rule'
        $differences[1].SecondaryValue | Should -Be $Drifted
        @($seen.AfterWhatIf | Where-Object { -not $_.Expected }).Path | Should -Be @($AdminsPriv, $LanRule)
    }

    It 'Sync-PfConfig removes it through rc.filter_synchronize, which it reads as completed, and a second compare has no drift' {
        $seen = Invoke-InLabAdmin { [pscustomobject]@{ Sync = Sync-PfConfig -Confirm:$false | Select-Object *, @{ n = 'Recorded'; e = { "$($_.Outcome.Kind)" } }; Compare = @(Compare-PfConfig); Again = Sync-PfConfig -Confirm:$false } }
        $result = $seen.Sync
        $result.Triggered | Should -BeTrue
        $result.Recorded | Should -Be 'Completed'
        $result.DriftGone | Should -BeTrue
        ($result.DifferencesBefore, $result.DifferencesAfter) | Should -Be @(2, 0)
        $result.Resolved.Path | Should -Be @($AdminsPriv, $LanRule)
        (Get-Content -Raw "$StateDir/fw2/config.xml") | Should -Not -Match $Drifted
        @($seen.Compare | Where-Object { -not $_.Expected }).Count | Should -Be 0
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

    Context 'Item 5: a sync pfSense did not do fails at once with the reason it recorded' {
        BeforeAll {
            # Sync-PfConfig with drift to remove and a 60 s timeout: the error id, its category and how long it took.
            function Invoke-FailingSync([switch] $Force) {
                Edit-LabConfig fw2 { param($xml) $xml.Replace('<![CDATA[Default allow LAN to any rule]]>', "<![CDATA[$Drifted]]>") }
                Invoke-InLabAdmin -ArgumentList $Force.IsPresent {
                    param($force)
                    $watch = [Diagnostics.Stopwatch]::StartNew()
                    try { Sync-PfConfig -Confirm:$false -Force:$force -Timeout 60 | Out-Null; [pscustomobject]@{ Id = 'no error'; Message = ''; Category = ''; Seconds = $watch.Elapsed.TotalSeconds } }
                    catch { [pscustomobject]@{ Id = $_.FullyQualifiedErrorId; Category = "$($_.CategoryInfo.Category)"; Message = $_.Exception.Message; Seconds = $watch.Elapsed.TotalSeconds } }
                }
            }
        }

        AfterEach {
            # Whatever a test broke is mended by then; a sync leaves the pair as built.
            Invoke-InLabAdmin { Sync-PfConfig -Confirm:$false -ErrorAction Stop | Out-Null }
        }

        It 'a wrong sync password on the primary: PfConfigSyncAuthenticationFailed' {
            Edit-LabConfig fw1 { param($xml) $xml -replace '(<hasync>[\s\S]*?<password><!\[CDATA\[)', '$1wrong-' }
            try { $failure = Invoke-FailingSync }
            finally { Edit-LabConfig fw1 { param($xml) $xml -replace '<password><!\[CDATA\[wrong-', '<password><![CDATA[' } }
            $failure.Id | Should -Be 'PfConfigSyncAuthenticationFailed,HaEdge.Commands.SyncPfConfigCommand'
            $failure.Category | Should -Be 'AuthenticationError'
            $failure.Message | Should -Match 'Authentication failed: Invalid username or password'
            $failure.Message | Should -Not -Match 'wrong-'
            $failure.Seconds | Should -BeLessThan 30
        }

        It 'the secondary unreachable from the primary (its web GUI port refused on the sync interface): PfConfigSyncCommunicationError' {
            # In fw2's namespace, as `haedge-lab exec fw2 -- iptables ...` would run it.
            $rule = 'INPUT', '-i', 'vtnet4', '-p', 'tcp', '--dport', '443', '-j', 'REJECT', '--reject-with', 'tcp-reset'
            & ip netns exec hel-fw2 iptables -I @rule
            $LASTEXITCODE | Should -Be 0
            try { $failure = Invoke-FailingSync }
            finally { & ip netns exec hel-fw2 iptables -D @rule }
            $failure.Id | Should -Be 'PfConfigSyncCommunicationError,HaEdge.Commands.SyncPfConfigCommand'
            $failure.Category | Should -Be 'ConnectionError'
            $failure.Message | Should -Match 'A communications error occurred while attempting to call XMLRPC method host_firmware_version'
            $failure.Seconds | Should -BeLessThan 30
        }

        It 'nothing ticked that has a section to send: PfConfigSyncNothingTicked' {
            $saved = Get-Content -Raw "$StateDir/fw1/config.xml"
            # DHCP relay ticked without a relay configured: Get-PfHaSync sees a box, pfSense finds nothing to send.
            Edit-LabConfig fw1 { param($xml) $xml -replace '<synchronize(?!toip)[a-z0-9]+>on</synchronize[a-z0-9]+>', '' -replace '</hasync>', '<synchronizedhcrelay>on</synchronizedhcrelay></hasync>' }
            try { $failure = Invoke-FailingSync -Force }
            finally { Edit-LabConfig fw1 { param($xml) $saved } }
            $failure.Id | Should -Be 'PfConfigSyncNothingTicked,HaEdge.Commands.SyncPfConfigCommand'
            $failure.Message | Should -Match 'Nothing has been configured to be synched'
            $failure.Seconds | Should -BeLessThan 30
        }
    }
}

Describe 'Config sync on pfSense 2.8 with Kea HA (lab profile pfsense-2.8)' -Tag Lab -Skip:(-not $LabPossible) {
    BeforeAll {
        $script:StateDir = '/run/haedge-lab'
        . (Join-Path $PSScriptRoot 'support/Lab.ps1')
        Start-Lab -Profile pfsense-2.8 | Out-Null
    }

    It 'Item 1: a correctly synced pair shows no drift, the Kea HA fields expected with their rules, and Test-HaEdge is ready' {
        $seen = Invoke-InLabAdmin {
            $differences = @(Compare-PfConfig)
            Assert-AntiAffinity -Repair -Confirm:$false | Out-Null
            $r = Test-HaEdge -TimeoutSec 30
            [pscustomobject]@{
                Differences = @($differences | Select-Object Section, Path, Expected, Rule)
                Ready       = $r.Ready
                Checks      = @($r.Checks | ForEach-Object { "$($_.Check)=$($_.Verdict)" })
                Errors      = @($r.Errors | ForEach-Object { "$($_.Code) [$($_.Target)]: $($_.Message)" })
            }
        }
        @($seen.Differences | Where-Object { -not $_.Expected }).Path | Should -BeNullOrEmpty
        $kea = @($seen.Differences | Where-Object Section -EQ 'kea' | ForEach-Object { "$($_.Path) $($_.Rule)" })
        $kea | Should -Be @(
            'kea/ha/localip KeaHaSwap', 'kea/ha/localname KeaHaKeptLocal', 'kea/ha/localport KeaHaSwap', 'kea/ha/remoteip KeaHaSwap',
            'kea/ha/remotename KeaHaRemoteName', 'kea/ha/remoteport KeaHaSwap', 'kea/ha/role KeaHaRole', 'kea/ha/scertref KeaHaKeptLocal')
        $seen.Checks | Should -Contain 'ConfigDrift=Passed'
        $seen.Ready | Should -BeTrue -Because ($seen.Errors -join '; ')
    }

    It 'a real change to the secondary''s Kea HA is drift, and Sync-PfConfig removes it' {
        $path = "$StateDir/fw2/config.xml"
        Set-Content $path ((Get-Content -Raw $path).Replace('<localport>8766</localport>', '<localport>8799</localport>')) -NoNewline
        $seen = Invoke-InLabAdmin {
            $drift = @(Compare-PfConfig | Where-Object { -not $_.Expected } | ForEach-Object { "$_" })
            $sync = Sync-PfConfig -Confirm:$false
            [pscustomobject]@{ Drift = $drift; DriftGone = $sync.DriftGone; Recorded = "$($sync.Outcome.Kind)"; After = @(Compare-PfConfig | Where-Object { -not $_.Expected }).Count }
        }
        $seen.Drift | Should -Be @('kea/ha/localport: 8765 -> 8799 (a sync makes it 8766)')
        ($seen.Recorded, $seen.DriftGone, $seen.After) | Should -Be @('Completed', $true, 0)
        (Get-Content -Raw $path) | Should -Match '<localport>8766</localport>'
    }
}
