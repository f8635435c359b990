#Requires -Modules Pester
# Many edges at once (issue 17): two independent edges side by side, read in one call. Two lab instances of this
# file's own (hey- and hez-, each its own namespaces, daemons, keys, certificates and secrets, on the same address
# plan), the second reached from the first's admin namespace by `haedge-lab reach` (its LAN mapped to 198.18.1.0/24,
# as an operator reaches sites whose networks overlap): one shell there reads both, and a fault injected in one edge
# shows up under that edge's name only.

BeforeDiscovery {
    $script:LabPossible = $IsLinux -and ((& id -u) -eq '0')
}

Describe 'Two edges side by side, read in one call' -Tag Lab -Skip:(-not $LabPossible) {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'support/Lab.ps1')
        $script:SiteA = @{ Prefix = 'hey-'; StateDir = '/run/haedge-lab-fleet-a' }
        $script:SiteB = @{ Prefix = 'hez-'; StateDir = '/run/haedge-lab-fleet-b' }
        Use-LabInstance @SiteB
        Start-Lab | Out-Null
        Use-LabInstance @SiteA
        Start-Lab | Out-Null
        Use-LabInstance @SiteB
        $script:Reach = Invoke-Lab reach --from hey-
        # From here on the module runs in site A's admin namespace.
        Use-LabInstance @SiteA

        # Site A's own edge and site B's through the NAT, as one operator's shell sees them, read by the many-edge
        # reads in one call each.
        # -Sync adds the XML-RPC reads (Get-PfHaSync, Compare-PfConfig): on a dead firewall they wait out their timeout.
        function script:Read-BothEdges([switch] $Sync) {
            Invoke-InLabAdmin -ArgumentList $SiteA.StateDir, $SiteB.StateDir, $Sync.IsPresent {
                param($siteA, $siteB, $withSync)
                Import-LabEnvironment -File "$siteB/lab-from-hey.env"
                $sessions = @(Get-HaEdgeSession) + @(Connect-HaEdge -Path "$siteB/edge-from-hey.json" -SkipCheck)
                # Sessions given (-Session) or piped in: both read the edges together.
                $ready = @($sessions | Test-HaEdge -Timeout 3)
                $vips = @(Get-CarpStatus -Session $sessions -Timeout 3 -ErrorVariable carpErrors -ErrorAction SilentlyContinue)
                $metrics = Export-HaEdgeMetric -Session $sessions -Timeout 3
                $started = @($sessions | Watch-HaEdge -Count 2 -Timeout 3)
                $vms = @(Get-HaEdgeVm -Session $sessions)
                $nodes = @(Get-HaEdgeNode -Session $sessions -Node pve*, nowhere -ErrorVariable nodeErrors -ErrorAction SilentlyContinue)
                $connections = @(Test-HaEdgeConnection -Session $sessions)
                # Rows piped on are read in the edge they came from (their Edge binds -Session).
                $pipedVips = @(Get-HaEdgeVm -Session $sessions -Firewall fw1 | Get-CarpStatus -Timeout 3 -ErrorAction SilentlyContinue)
                $symmetry = @(Test-HaEdgeSymmetry -Session $sessions -ErrorVariable symmetryErrors)
                if ($withSync) {
                    $sync = @($sessions | Get-PfHaSync)
                    # Each status compared in its own edge (Compare-PfConfig binds its Edge), with the sections it ticks.
                    $drift = @($sync | Compare-PfConfig)
                    $driftGiven = @(Compare-PfConfig -Session $sessions)
                }
                [pscustomobject]@{
                    Edges      = @($sessions.Name)
                    HostKeys   = @($sessions | ForEach-Object { $_.Definition.Firewalls[0].Ssh.HostKeySha256 })
                    Ready      = @($ready | Sort-Object Edge | ForEach-Object { [pscustomobject]@{ Edge = $_.Edge; Ready = $_.Ready; Failed = @($_.Failed) } })
                    Vips       = @($vips | Sort-Object Edge, Firewall, Vhid | ForEach-Object { "$($_.Edge): $($_.Firewall) vhid $($_.Vhid) $($_.State)" })
                    CarpErrors = @($carpErrors | ForEach-Object { "$_" })
                    Up         = @($metrics -split "`n" | Where-Object { $_ -like 'haedge_firewall_up{*' })
                    Watched    = @($started | ForEach-Object { "$($_.Edge) $($_.Kind)" } | Sort-Object)
                    Vms        = @($vms | Sort-Object Edge, Firewall | ForEach-Object { "$($_.Edge): $($_.Firewall) $($_.Status) on $($_.Node)" })
                    Nodes      = @($nodes | Sort-Object Edge, Node | ForEach-Object { "$($_.Edge): $($_.Node) online $($_.Online)" })
                    NodeErrors = @($nodeErrors | ForEach-Object { "$($_.FullyQualifiedErrorId): $_" })
                    PipedVips  = @($pipedVips | Sort-Object Edge, Firewall | ForEach-Object { "$($_.Edge): $($_.Firewall)" } | Select-Object -Unique)
                    Reached    = @($connections | Sort-Object Edge, Plane, Target | ForEach-Object { "$($_.Edge): $($_.Plane) $($_.Target) $($_.Reachable)" })
                    Symmetry   = @($symmetry | ForEach-Object { "$($_.Edge): $($_.Code)" }) + @($symmetryErrors | ForEach-Object { "$_" })
                    # Each status and each of its findings under its edge; each edge's differences (the lab's: only what pfSense's sync leaves by design).
                    Sync       = @($sync | Sort-Object Edge | ForEach-Object { "$($_.Edge): ready $($_.ReadyToSync), findings in [$(@($_.Findings.Edge | Sort-Object -Unique) -join ',')]" })
                    Drift      = @($drift | Group-Object Edge | Sort-Object Name | ForEach-Object { "$($_.Name): $(@($_.Group | Where-Object { -not $_.Expected }).Count) drift, expected by $(@($_.Group.Rule | Sort-Object -Unique) -join ',')" })
                    DriftGiven = @($driftGiven | Group-Object Edge | Sort-Object Name | ForEach-Object { "$($_.Name): $($_.Count)" })
                }
            }
        }

        # Site B's Proxmox nodes through the NAT that maps its LAN onto 198.18.1.0/24.
        function script:Get-ProxmoxEndpoints([string] $Edge) {
            if ($Edge -eq 'rehearsal lab') { '192.0.2.31:8006, 192.0.2.32:8006' } else { '198.18.1.31:8006, 198.18.1.32:8006' }
        }

        function script:Get-Vip([string] $Edge, [string] $Firewall, [string] $State) {
            foreach ($vhid in 1, 10, 20) { "${Edge}: $Firewall vhid $vhid $State" }
        }
    }

    AfterAll {
        Use-LabInstance @SiteA
        Stop-Lab
        Use-LabInstance @SiteB
        Stop-Lab
    }

    It 'reads both edges in one call, each under its own name' {
        $Reach | Should -BeLike '*reached from hey-admin at 198.18.1.0/24*'
        $out = Read-BothEdges -Sync

        $out.Edges | Should -Be 'rehearsal lab', 'rehearsal lab hez'
        # Two labs, not one seen twice: each instance made its own host keys.
        $out.HostKeys[0] | Should -Not -Be $out.HostKeys[1]
        $out.Ready.Edge | Should -Be 'rehearsal lab', 'rehearsal lab hez'
        $out.Ready.Ready | Should -Be $true, $true
        $out.Vips | Should -Be @((Get-Vip 'rehearsal lab' fw1 Master) + (Get-Vip 'rehearsal lab' fw2 Backup) +
            (Get-Vip 'rehearsal lab hez' fw1 Master) + (Get-Vip 'rehearsal lab hez' fw2 Backup))
        $out.CarpErrors | Should -BeNullOrEmpty
        $out.Up | Should -Be @('haedge_firewall_up{edge="rehearsal lab",firewall="fw1"} 1', 'haedge_firewall_up{edge="rehearsal lab",firewall="fw2"} 1',
            'haedge_firewall_up{edge="rehearsal lab hez",firewall="fw1"} 1', 'haedge_firewall_up{edge="rehearsal lab hez",firewall="fw2"} 1')
        # One watch over both: each edge's starting picture, and -Count counts the events of both.
        $out.Watched | Should -Be 'rehearsal lab hez Started', 'rehearsal lab Started'
        $out.Vms | Should -Be 'rehearsal lab: fw1 running on pve1', 'rehearsal lab: fw2 running on pve2', 'rehearsal lab hez: fw1 running on pve1', 'rehearsal lab hez: fw2 running on pve2'
        $out.Nodes | Should -Be 'rehearsal lab: pve1 online True', 'rehearsal lab: pve2 online True', 'rehearsal lab hez: pve1 online True', 'rehearsal lab hez: pve2 online True'
        # A name no edge has, once, listing every edge's nodes.
        $out.NodeErrors.Count | Should -Be 1
        $out.NodeErrors[0] | Should -BeLike "NodeNotFound,HaEdge.Commands.GetHaEdgeNodeCommand: No edge's cluster has node 'nowhere'; they have *pve1 (rehearsal lab hez)*"
        $out.Reached | Should -Be @(foreach ($edge in 'rehearsal lab', 'rehearsal lab hez') {
                "${edge}: Proxmox $(Get-ProxmoxEndpoints $edge) True"; "${edge}: Ssh fw1 True"; "${edge}: Ssh fw2 True" })
        $out.Symmetry | Should -BeNullOrEmpty
        $out.PipedVips | Should -Be 'rehearsal lab: fw1', 'rehearsal lab hez: fw1'
        $out.Sync | Should -Be 'rehearsal lab: ready True, findings in []', 'rehearsal lab hez: ready True, findings in []'
        $out.Drift | Should -Be 'rehearsal lab: 0 drift, expected by CarpAdvskew,UserKeptLocal', 'rehearsal lab hez: 0 drift, expected by CarpAdvskew,UserKeptLocal'
        $out.DriftGiven | Should -Be 'rehearsal lab: 4', 'rehearsal lab hez: 4'
    }

    It "shows a hard stop of site B's fw1 under site B's name only" {
        Use-LabInstance @SiteB
        Invoke-Lab fault hard-stop fw1 | Out-Null
        # Until site B's fw2 has taken every VIP (keepalived's master-down interval), as the lab itself sees it.
        $deadline = [DateTime]::UtcNow.AddSeconds(30)
        while (@((Invoke-Lab status --json | ConvertFrom-Json).firewalls | Where-Object name -EQ fw2 | ForEach-Object vips | Where-Object state -NE MASTER).Count -gt 0) {
            if ([DateTime]::UtcNow -gt $deadline) { throw "site B's fw2 did not take every VIP within 30 s" }
            Start-Sleep -Milliseconds 200
        }
        Use-LabInstance @SiteA

        $out = Read-BothEdges

        $siteA = $out.Ready | Where-Object Edge -EQ 'rehearsal lab'
        $siteB = $out.Ready | Where-Object Edge -EQ 'rehearsal lab hez'
        $siteA.Ready | Should -BeTrue
        $siteA.Failed | Should -BeNullOrEmpty
        $siteB.Ready | Should -BeFalse
        $siteB.Failed | Should -Contain 'Carp'
        $out.Vips | Should -Be @((Get-Vip 'rehearsal lab' fw1 Master) + (Get-Vip 'rehearsal lab' fw2 Backup) + (Get-Vip 'rehearsal lab hez' fw2 Master))
        $out.CarpErrors.Count | Should -Be 1
        $out.CarpErrors[0] | Should -BeLike 'rehearsal lab hez: fw1*'
        $out.Up | Should -Be @('haedge_firewall_up{edge="rehearsal lab",firewall="fw1"} 1', 'haedge_firewall_up{edge="rehearsal lab",firewall="fw2"} 1',
            'haedge_firewall_up{edge="rehearsal lab hez",firewall="fw1"} 0', 'haedge_firewall_up{edge="rehearsal lab hez",firewall="fw2"} 1')
        $out.Watched | Should -Be 'rehearsal lab hez Started', 'rehearsal lab Started'
        $out.Vms | Should -Be 'rehearsal lab: fw1 running on pve1', 'rehearsal lab: fw2 running on pve2', 'rehearsal lab hez: fw1 stopped on pve1', 'rehearsal lab hez: fw2 running on pve2'
        $out.Reached | Should -Be @(foreach ($edge in 'rehearsal lab', 'rehearsal lab hez') {
                "${edge}: Proxmox $(Get-ProxmoxEndpoints $edge) True"; "${edge}: Ssh fw1 $($edge -eq 'rehearsal lab')"; "${edge}: Ssh fw2 True" })
    }
}
