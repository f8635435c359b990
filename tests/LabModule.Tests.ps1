#Requires -Modules Pester
# Issue 5's bar for the module: its reads work against the lab over the real HTTPS and SSH paths, run from the lab's
# admin workstation namespace as an operator's laptop would.
BeforeDiscovery {
    $script:LabPossible = $IsLinux -and ((& id -u) -eq '0')
}

Describe 'The module against the rehearsal lab' -Tag Lab -Skip:(-not $LabPossible) {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'support/Lab.ps1')
        $script:Lab = Start-Lab
        $script:Edge = Get-Content -Raw $Lab.Definition | ConvertFrom-Json
    }

    It 'reaches the PVE API over pinned HTTPS and both firewalls over pinned SSH' {
        $checks = Invoke-InLabAdmin { Test-HaEdgeConnection }
        $checks | Should -HaveCount 3
        $checks | ForEach-Object { $_.Reachable | Should -BeTrue -Because "$($_.Plane) $($_.Target): $($_.Error)" }
        ($checks | Where-Object Target -eq 'fw1').HostKey | Should -Be $Edge.firewalls[0].ssh.hostKeySha256
    }

    It 'reads the cluster and quorum with Get-HaEdgeNode' {
        $nodes = Invoke-InLabAdmin { Get-HaEdgeNode }
        $nodes.Node | Should -Be @('pve1', 'pve2')
        $nodes.Online | Should -Be @($true, $true)
        $nodes[0].Quorate | Should -BeTrue
        $nodes[0].Firewalls | Should -Be @('fw1')
    }

    It 'reads both firewall VMs with their NICs and firewall options with Get-HaEdgeVm' {
        $vms = Invoke-InLabAdmin { Get-HaEdgeVm }
        $vms.Firewall | Should -Be @('fw1', 'fw2')
        $vms.VmId | Should -Be @(101, 102)
        $vms.Node | Should -Be @('pve1', 'pve2')
        $vms.Status | Should -Be @('running', 'running')
        $vms[0].Nics.Count | Should -BeGreaterOrEqual 4
        $vms[0].Nics[1].Bridge | Should -Be 'vmbr1'
        $vms[0].FirewallOptions.MacFilter | Should -BeFalse
    }

    It 'reads the CARP pair as Healthy with Get-CarpStatus' {
        # Enums come back from the admin namespace as numbers; take their names there.
        $status = Invoke-InLabAdmin { Get-CarpStatus | Select-Object Firewall, @{ n = 'State'; e = { "$($_.State)" } }, @{ n = 'Verdict'; e = { "$($_.Verdict)" } } }
        $status | Should -Not -BeNullOrEmpty
        ($status | Where-Object Firewall -eq 'fw1').State | Sort-Object -Unique | Should -Be 'Master'
        ($status | Where-Object Firewall -eq 'fw2').State | Sort-Object -Unique | Should -Be 'Backup'
        $status.Verdict | Sort-Object -Unique | Should -Be 'Healthy'
    }
}

Describe 'The module against pfSense CE 2.7.0 (lab profile pfsense-2.7.0)' -Tag Lab -Skip:(-not $LabPossible) {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'support/Lab.ps1')
        $script:Lab = Start-Lab -Profile pfsense-2.7.0
    }

    It 'Item 4: the lab plays 2.7.0: /etc/version says so and pfctl -sc is refused as its pfctl refuses it' {
        Invoke-LabSsh fw1 'cat /etc/version' -User admin | Should -BeLike "*2.7.0-RELEASE*"
        { Invoke-LabSsh fw1 'pfctl -sc' } | Should -Throw "*Unknown show modifier 'c'*"
    }

    It 'Item 4: Get-PfsyncStatus reads both firewalls in sync, the creator ids as 2.7.0 reads them (pfctl -vvss)' {
        $nodes = Invoke-InLabAdmin { Get-PfsyncStatus | Select-Object Firewall, Reachable, SyncDev, CreatorIds, Reasons, @{ n = 'Verdict'; e = { "$($_.Verdict)" } } }
        $nodes.Firewall | Should -Be 'fw1', 'fw2'
        $nodes.Reachable | Should -Be $true, $true
        $nodes.SyncDev | Should -Be 'vtnet4', 'vtnet4'
        $nodes[0].Reasons | Should -BeNullOrEmpty
        $nodes.Verdict | Should -Be 'InSync', 'InSync'
        # Each holds states of both creators while state sync runs (the lab's pfctl -vvss answer).
        @($nodes[0].CreatorIds).Count | Should -Be 2
        @($nodes[1].CreatorIds) | Should -Be @($nodes[0].CreatorIds)
    }

    It 'Item 4: Test-HaEdge is ready, its pfsync and CARP checks passed' {
        $readiness = Invoke-InLabAdmin {
            $r = Test-HaEdge -TimeoutSec 30
            [pscustomobject]@{
                Ready  = $r.Ready
                Checks = @($r.Checks | ForEach-Object { "$($_.Check)=$($_.Verdict)" })
                Errors = @($r.Errors | ForEach-Object { "$($_.Code) [$($_.Target)]: $($_.Message)" })
            }
        }
        $readiness.Checks | Should -Contain 'Pfsync=Passed'
        $readiness.Checks | Should -Contain 'Carp=Passed'
        $readiness.Ready | Should -BeTrue -Because ($readiness.Errors -join '; ')
    }
}
