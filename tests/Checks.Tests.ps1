#Requires -Modules Pester
# Assert-AntiAffinity, Test-HaEdgeSymmetry and Test-HaEdge's pair invariants as a runbook sees them, against the running
# rehearsal lab (Linux, root), whose faults also break the real L2 path. Against the PVE API simulator alone (no root):
# ChecksSimulator.Tests.ps1.

BeforeDiscovery {
    $script:LabPossible = $IsLinux -and ((& id -u) -eq '0')
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
}

Describe 'Checks on the rehearsal lab' -Tag Lab -Skip:(-not $LabPossible) {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'support/Lab.ps1')
        Start-Lab | Out-Null

        # The module runs where an operator would: in the lab's admin namespace, which reaches the PVE API.
        function Get-LabFinding([string] $Command) {
            Invoke-InLabAdmin {
                param($Command)
                & ([scriptblock]::Create($Command)) | ForEach-Object { "$($_.Severity) $($_.Code) $($_.Target)" }
            } -ArgumentList $Command
        }

        # Test-HaEdge's findings of the pair invariants (checks SyncPath and CarpVips) as "check severity code target".
        function Get-PairInvariantFinding {
            Invoke-InLabAdmin {
                (Test-HaEdge -WarningAction SilentlyContinue).Checks | Where-Object Check -In 'SyncPath', 'CarpVips' |
                    ForEach-Object { $check = $_.Check; $_.Findings | ForEach-Object { "$check $($_.Severity) $($_.Code) $($_.Target)" } }
            }
        }

        # Which lab firewalls hold a VIP right now (from their namespaces).
        function Get-VipHolder([string] $Vip) {
            'fw1', 'fw2' | Where-Object { (& ip -n "hel-$_" -o -4 addr show | Out-String) -match " inet $([regex]::Escape($Vip))/" }
        }
        function Wait-VipHolder([string] $Vip, [string[]] $Expected, [double] $TimeoutSeconds = 15) {
            $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
            do {
                $holders = @(Get-VipHolder $Vip)
                if (($holders -join ',') -eq ($Expected -join ',')) { return $holders }
                Start-Sleep -Milliseconds 200
            } while ([DateTime]::UtcNow -lt $deadline)
            $holders
        }
    }

    It 'finds no Error on the clean lab' {
        Get-LabFinding 'Test-HaEdgeSymmetry' | Where-Object { $_ -like 'Error *' } | Should -BeNullOrEmpty
    }

    # Issue 17, the part built: the lab's edge under three names, one of them with its firewalls' SSH at an address
    # nobody answers (a dead site), and a fourth definition whose XML-RPC password is not set.
    It 'Test-HaEdge and Export-HaEdgeMetric read several edges in one call: each result under its edge, a dead edge only under its name, an unusable one an error naming it' {
        $out = Invoke-InLabAdmin -ArgumentList $LabStateDir {
            param($stateDir)
            $fleet = New-Item -ItemType Directory -Force (Join-Path ([IO.Path]::GetTempPath()) "haedge-fleet-$PID")
            try {
                foreach ($site in 'site-a', 'site-b', 'site-dead', 'site-nopassword') {
                    $definition = Get-Content -Raw "$stateDir/edge.json" | ConvertFrom-Json
                    $definition.name = $site
                    foreach ($firewall in $definition.firewalls) {
                        $firewall.ssh.keyFile = "$stateDir/keys/id_ed25519"
                        if ($site -eq 'site-dead') { $firewall.ssh.host = '192.0.2.99' }
                        if ($site -eq 'site-nopassword') { $firewall.xmlrpc.passwordVariable = 'HAEDGE_FLEET_TEST_UNSET' }
                    }
                    $definition | ConvertTo-Json -Depth 10 | Set-Content (Join-Path $fleet "$site.json")
                }
                $sessions = Connect-HaEdge -Path $fleet -SkipCheck
                $results = @(Test-HaEdge -Session $sessions -Timeout 2 -ErrorVariable failures -ErrorAction SilentlyContinue)
                $metrics = Export-HaEdgeMetric -Session $sessions -Timeout 2 -ErrorVariable exportFailures -ErrorAction SilentlyContinue
                $vips = @(Get-CarpStatus -Session $sessions -Firewall fw1 -Timeout 2 -ErrorVariable carpFailures -ErrorAction SilentlyContinue)
                [pscustomobject]@{
                    Metrics   = @($metrics -split "`n")
                    Vips      = @($vips | Sort-Object Edge, Vhid | ForEach-Object { "$($_.Edge) $($_.Firewall) $($_.Vhid) $($_.State)" })
                    CarpErrors = @($carpFailures | ForEach-Object { [pscustomobject]@{ Target = "$($_.TargetObject)"; Message = "$_" } })
                    ExportErrors = @($exportFailures | ForEach-Object { [pscustomobject]@{ Id = $_.FullyQualifiedErrorId; Target = "$($_.TargetObject)" } })
                    Connected = @($sessions.Name)
                    Results   = @($results | Sort-Object Edge | ForEach-Object { [pscustomobject]@{ Edge = $_.Edge; Ready = $_.Ready; Failed = @($_.Failed) } })
                    Errors    = @($failures | ForEach-Object { [pscustomobject]@{ Id = $_.FullyQualifiedErrorId; Target = "$($_.TargetObject)"; Message = "$_" } })
                    Quiet     = Test-HaEdge -Session site-a, site-b -Quiet
                }
            }
            finally { Remove-Item $fleet -Recurse -Force }
        }
        $out.Connected | Should -Be 'site-a', 'site-b', 'site-dead', 'site-nopassword'
        $out.Results.Edge | Should -Be 'site-a', 'site-b', 'site-dead'
        ($out.Results | Where-Object Edge -in 'site-a', 'site-b').Ready | Should -Be $true, $true
        $dead = $out.Results | Where-Object Edge -eq 'site-dead'
        $dead.Ready | Should -BeFalse
        $dead.Failed | Should -Contain 'Carp'
        $out.Errors.Id | Should -Be 'XmlRpcPasswordMissing,HaEdge.Commands.TestHaEdgeCommand'
        $out.Errors.Target | Should -Be 'site-nopassword'
        $out.Errors.Message | Should -BeLike 'site-nopassword: *'
        $out.Quiet | Should -BeTrue
        # One text for every edge that could be read: each family once, each series under its edge.
        @($out.Metrics | Where-Object { $_ -eq '# TYPE haedge_firewall_up gauge' }).Count | Should -Be 1
        $up = $out.Metrics | Where-Object { $_ -like 'haedge_firewall_up{*' }
        $up | Should -Be @(
            'haedge_firewall_up{edge="site-a",firewall="fw1"} 1', 'haedge_firewall_up{edge="site-a",firewall="fw2"} 1',
            'haedge_firewall_up{edge="site-b",firewall="fw1"} 1', 'haedge_firewall_up{edge="site-b",firewall="fw2"} 1',
            'haedge_firewall_up{edge="site-dead",firewall="fw1"} 0', 'haedge_firewall_up{edge="site-dead",firewall="fw2"} 0')
        $out.Metrics | Where-Object { $_ -like 'haedge_carp_vip_masters{edge="site-dead"*' } | Should -BeNullOrEmpty
        @($out.Metrics | Where-Object { $_ -like 'haedge_carp_vip_masters{edge="site-b"*' }).Count | Should -Be 3
        $out.ExportErrors.Id | Should -Be 'XmlRpcPasswordMissing,HaEdge.Commands.ExportHaEdgeMetricCommand'
        $out.ExportErrors.Target | Should -Be 'site-nopassword'
        # Get-CarpStatus over the four: each row under its edge, -Firewall applied to each; the dead site's fw1 is an
        # error whose message names its edge (site-nopassword needs no XML-RPC for CARP).
        $out.Vips | Should -Be @(foreach ($site in 'site-a', 'site-b', 'site-nopassword') { foreach ($vhid in 1, 10, 20) { "$site fw1 $vhid Master" } })
        $out.CarpErrors.Target | Should -Be 'fw1'
        $out.CarpErrors.Message | Should -BeLike 'site-dead: fw1*'
    }

    It 'Test-HaEdge holds the pair invariants on the clean lab: no SyncPath or CarpVips finding' {
        Get-PairInvariantFinding | Should -BeNullOrEmpty
    }

    Context 'with state sync moved onto the LAN (fault sync-on-lan)' {
        # One fault window for both reads: injecting it again right after a heal restarts state sync twice.
        BeforeAll {
            Invoke-Lab fault sync-on-lan | Out-Null
            $script:SyncOnLanFindings = Get-PairInvariantFinding
            $script:SyncOnLanWhatIf = Invoke-InLabAdmin {
                $transcript = Join-Path ([IO.Path]::GetTempPath()) "haedge-whatif-$PID.txt"
                Start-Transcript -Path $transcript | Out-Null
                try { $output = @(Suspend-HaEdgeNode -Node pve1 -WhatIf -WarningVariable warnings -WarningAction SilentlyContinue) }
                finally { Stop-Transcript | Out-Null }
                [pscustomobject]@{
                    Output   = $output.Count
                    Warnings = @($warnings | ForEach-Object Message)
                    WhatIf   = @(Get-Content $transcript | Where-Object { $_ -like 'What if:*' })
                    Skew     = @(Get-CarpStatus -Firewall fw1 | ForEach-Object AdvSkew | Sort-Object -Unique)
                }
                Remove-Item $transcript
            }
        }
        AfterAll { Invoke-Lab heal sync-on-lan | Out-Null }

        It 'Test-HaEdge finds it on both firewalls' {
            # The fault syncs to the peer's LAN address, as a LAN sync interface with a LAN peer IP does: two findings each.
            $SyncOnLanFindings | Should -Be @('SyncPath Error PfsyncNotOnSyncSegment fw1', 'SyncPath Error PfsyncPeerNotSyncAddress fw1',
                'SyncPath Error PfsyncNotOnSyncSegment fw2', 'SyncPath Error PfsyncPeerNotSyncAddress fw2')
        }

        It 'Suspend-HaEdgeNode -WhatIf shows the plan and the gate''s verdict on this edge that is not green, and changes nothing' {
            $SyncOnLanWhatIf.Output | Should -Be 0
            $SyncOnLanWhatIf.Warnings | Should -Match '^-WhatIf: without it the run would stop here \(HaEdgeNotReady\): .*PfsyncNotOnSyncSegment'
            $SyncOnLanWhatIf.WhatIf | Should -Match 'CARP maintenance on fw1 until fw2 owns every VIP'
            $SyncOnLanWhatIf.Skew | Should -Be 0
        }
    }

    It 'Test-HaEdge finds the VLAN20 VIP missing on fw2 (fault vip-missing fw2 net2)' {
        Invoke-Lab fault vip-missing fw2 net2 | Out-Null
        try { $findings = Get-PairInvariantFinding }
        finally { Invoke-Lab heal vip-missing fw2 net2 | Out-Null }
        $findings | Should -Be @('CarpVips Error CarpVipMissing fw2/VLAN20')
    }

    It 'keeps the firewalls apart as it comes up: VMs outside HA, placement by configuration, nothing to repair' {
        $findings = Get-LabFinding 'Assert-AntiAffinity -Repair -Confirm:$false -PassThru'
        $findings | Where-Object { $_ -like 'Error *' } | Should -BeNullOrEmpty
        $findings | Should -Contain 'Information PlacementByConfiguration vm:101,vm:102'
    }

    It 'reports the MAC filter on fw1, and the pair splits as the finding says' {
        Invoke-Lab fault mac-filter fw1 | Out-Null
        try {
            Get-LabFinding 'Test-HaEdgeSymmetry' | Should -Be @('Error MacFilterOnCarp fw1/net0', 'Error MacFilterOnCarp fw1/net1', 'Error MacFilterOnCarp fw1/net2') `
                -Because 'Proxmox filters MACs only with VM firewall enable=1, NIC firewall=1 and macfilter 1, so the lab must show all three'
            # fw1's adverts leave from the virtual MAC and are dropped: fw2 hears no MASTER and takes the VIP too.
            Wait-VipHolder '192.0.2.1' @('fw1', 'fw2') | Should -Be @('fw1', 'fw2')
        }
        finally { Invoke-Lab heal mac-filter fw1 | Out-Null }
        Wait-VipHolder '192.0.2.1' @('fw1') | Should -Be @('fw1')
    }

    It 'reports the VLAN asymmetry on pve2, and VLAN20 splits as the finding says' {
        Invoke-Lab fault vlan-asymmetry pve2 | Out-Null
        try {
            Get-LabFinding 'Test-HaEdgeSymmetry' | Should -Be @('Error VlanAsymmetric VLAN20')
            # VLAN20 adverts of fw1 never reach fw2's tap: both hold the VLAN20 VIP, the other VIPs stay on fw1.
            Wait-VipHolder '192.0.2.129' @('fw1', 'fw2') | Should -Be @('fw1', 'fw2')
            Get-VipHolder '192.0.2.1' | Should -Be @('fw1')
        }
        finally { Invoke-Lab heal vlan-asymmetry pve2 | Out-Null }
        Wait-VipHolder '192.0.2.129' @('fw1') | Should -Be @('fw1')
    }
}
