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
