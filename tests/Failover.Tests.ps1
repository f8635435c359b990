#Requires -Modules Pester
# Issue 6's bar on the rehearsal lab: each scenario passes on a healthy lab (Combined after WanPull and HardStop),
# HardStop's outage agrees with an independent ping -D capture, HardStop without state sync loses the session and
# fails, WanPull (the fibre upstream dies, or the gateway is marked down) leaves CARP alone and moves the default
# route to Starlink while WanPull by link_down moves CARP, -WhatIf touches nothing, and the HTML report renders in a
# real browser. Interrupted runs: FailoverSafety.Tests.ps1.
BeforeDiscovery {
    $script:LabPossible = $IsLinux -and ((& id -u) -eq '0')
}

Describe 'Test-HaFailover on the rehearsal lab' -Tag Lab -Skip:(-not $LabPossible) {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'support/Lab.ps1')
        Start-Lab | Out-Null
        $script:Reports = New-Item -ItemType Directory -Force (Join-Path ([IO.Path]::GetTempPath()) "haedge-failover-$PID")
    }

    AfterAll {
        Remove-Item $Reports -Recurse -Force -ErrorAction Ignore
    }

    # Every scenario starts from the healthy edge, whatever the test before it left.
    BeforeEach {
        Reset-Lab
    }

    It '-WhatIf touches nothing and returns no result' {
        $out = Invoke-InLabAdmin {
            $before = (Get-CarpStatus | Where-Object State -eq 'MASTER').Firewall | Sort-Object -Unique
            $results = @(Test-HaFailover -Scenario HardStop -WhatIf)
            $after = (Get-CarpStatus | Where-Object State -eq 'MASTER').Firewall | Sort-Object -Unique
            [pscustomobject]@{ Results = $results.Count; Before = $before; After = $after; Vms = (Get-HaEdgeVm).Status }
        }
        $out.Results | Should -Be 0
        $out.Before | Should -Be 'fw1'
        $out.After | Should -Be $out.Before
        $out.Vms | Should -Be @('running', 'running')
    }

    It 'HardStop with the sync link cut: the session breaks and the scenario fails' {
        Invoke-Lab fault sync-cut | Out-Null
        try {
            $r = Invoke-InLabAdmin { Test-HaFailover -Scenario HardStop -ProbeInterval 0:0:0.1 -Settle 0:0:5 -Force -Confirm:$false }
        }
        finally { Invoke-Lab heal sync-cut | Out-Null }
        $r.SessionSurvived | Should -BeFalse
        $r.Passed | Should -BeFalse
        ($r.Reasons -join ' ') | Should -Match 'session'
    }

    It 'Maintenance: the peer takes every VIP and gives them back' {
        $r = Invoke-InLabAdmin { Test-HaFailover -Scenario Maintenance -ProbeInterval 0:0:0.1 -Settle 0:0:3 -Confirm:$false }
        $r.Passed | Should -BeTrue -Because ($r.Reasons -join '; ')
        $r.NewMaster | Should -Be 'fw2'
        $r.FailbackClean | Should -BeTrue
    }

    # One run of the three, as the issue's practice orders them (apart, then together), with an independent ping -D
    # capture from the same LAN namespace and the HTML report.
    Context 'WanPull (the fibre upstream dies), HardStop, then Combined in one run' {
        BeforeAll {
            Reset-Lab
            $script:Report = Join-Path $Reports 'run.html'
            $script:Run = Invoke-InLabAdmin {
                param($Lab, $Report, $PingCapture, $StateDir)
                . $PingCapture
                $capture = Start-PingCapture (Get-Content -Raw "$StateDir/edge.json" | ConvertFrom-Json).probes.ping
                $results = @()
                try {
                    $results = @(Test-HaFailover -Scenario WanPull, HardStop, Combined -WanPullMethod UserAction -ProbeInterval 0:0:0.1 -Settle 0:0:3 `
                            -MaxOutage 0:0:8 -ReportPath $Report -Confirm:$false `
                            -WanPullScript ([scriptblock]::Create("& dotnet '$Lab' fault fibre-dead | Out-Null")) `
                            -WanRestoreScript ([scriptblock]::Create("& dotnet '$Lab' heal fibre-dead | Out-Null")))
                }
                finally { $comparisons = @(Stop-PingCapture $capture $results) }
                [pscustomobject]@{
                    Results     = @($results | Select-Object @{ n = 'Scenario'; e = { "$($_.Scenario)" } }, Passed, Reasons, CarpMoved, NewMaster, GatewayAfter,
                        FailbackClean, Outage, SessionSurvived)
                    Comparisons = $comparisons
                }
            } -ArgumentList (Get-LabLauncher)[1], $Report, (Join-Path $LabRoot 'benchmarks/support/PingCapture.ps1'), $LabStateDir
            $script:WanPull, $script:HardStop, $script:Combined = $Run.Results
        }

        It 'runs all three and each passes with a clean failback' {
            $Run.Results.Scenario | Should -Be @('WanPull', 'HardStop', 'Combined')
            foreach ($r in $Run.Results) {
                $r.Passed | Should -BeTrue -Because "$($r.Scenario): $($r.Reasons -join '; ')"
                $r.FailbackClean | Should -BeTrue
            }
        }

        It 'WanPull moves only the route to Starlink' {
            $WanPull.CarpMoved | Should -BeFalse
            $WanPull.GatewayAfter | Should -Match 'STARLINK'
        }

        It 'HardStop: the backup takes over by protocol timeout, the session survives, and the outage agrees with ping -D' {
            $HardStop.NewMaster | Should -Be 'fw2'
            $HardStop.Outage | Should -BeLessThan ([timespan]'0:0:5')
            $HardStop.Outage | Should -BeGreaterThan ([timespan]'0:0:0.5') -Because 'a hard stop loses probes until the election timeout'
            $HardStop.SessionSurvived | Should -BeTrue
            $comparison = $Run.Comparisons[1]
            $comparison.Agrees | Should -BeTrue -Because "engine $($comparison.Engine) vs ping -D $($comparison.Capture), interval $($comparison.Interval)"
        }

        It 'Combined moves the VIPs to fw2 with its route on Starlink' {
            $Combined.CarpMoved | Should -BeTrue
            $Combined.NewMaster | Should -Be 'fw2'
            $Combined.GatewayAfter | Should -Match 'STARLINK'
        }

        It 'writes an HTML report that renders in headless Chromium' {
            Test-Path $Report | Should -BeTrue
            $shot = Join-Path $Reports 'run.png'
            $arguments = @('--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
                '--disable-component-update', '--disable-sync', "--user-data-dir=$(Join-Path $Reports 'chromium')",
                '--window-size=1400,1800', "--screenshot=$shot", "file://$Report")
            & chromium @arguments 2>$null | Out-Null
            Test-Path $shot | Should -BeTrue
            (Get-Item $shot).Length | Should -BeGreaterThan 20KB
            (Get-Content -Raw $Report) | Should -Match '<svg'
        }
    }

    It 'WanPull by gateway force-down (the default): CARP stays on fw1 and its default route moves to Starlink, then back' {
        $r = Invoke-InLabAdmin {
            Test-HaFailover -Scenario WanPull -ProbeInterval 0:0:0.1 -Settle 0:0:3 -Confirm:$false |
                Select-Object Passed, Reasons, Fault, CarpMoved, NewMaster, GatewayBefore, GatewayAfter, FailbackClean
        }
        $r.Passed | Should -BeTrue -Because ($r.Reasons -join '; ')
        $r.Fault | Should -Match 'force_down'
        $r.CarpMoved | Should -BeFalse
        $r.NewMaster | Should -Be 'fw1'
        $r.GatewayBefore | Should -Be 'FIBRE_GW'
        $r.GatewayAfter | Should -Be 'STARLINK_GW'
        $r.FailbackClean | Should -BeTrue
    }

    It 'WanPull by link_down on the WAN NIC (a cable pull at the VM): pfSense demotes CARP, so the VIPs move to fw2, then back' {
        $r = Invoke-InLabAdmin {
            Test-HaFailover -Scenario WanPull -WanPullMethod LinkDown -ProbeInterval 0:0:0.1 -Settle 0:0:3 -Confirm:$false |
                Select-Object Passed, Reasons, Fault, CarpMoved, NewMaster, FailbackClean
        }
        $r.Passed | Should -BeTrue -Because ($r.Reasons -join '; ')
        $r.Fault | Should -Match 'link_down=1'
        $r.CarpMoved | Should -BeTrue
        $r.NewMaster | Should -Be 'fw2'
        $r.FailbackClean | Should -BeTrue
    }

    It 'WanPull is refused before any fault while the default gateway is fixed to the fibre (pfSense would keep the route on it)' {
        Invoke-Lab fault fixed-default-gateway | Out-Null
        try {
            $out = Invoke-InLabAdmin {
                try { Test-HaFailover -Scenario WanPull -Confirm:$false; 'ran' }
                catch { [pscustomobject]@{ Id = $_.FullyQualifiedErrorId; Message = $_.Exception.Message; Gateways = @(Get-PfGateway | Where-Object { "$($_.Health)" -ne 'Online' }).Count } }
            }
        }
        finally { Invoke-Lab heal fixed-default-gateway | Out-Null }
        $out.Id | Should -BeLike 'FailoverPreflightFailed,*'
        $out.Message | Should -Match "DefaultRouteFollowsGateways: fw1's default gateway is fixed to FIBRE_GW"
        $out.Gateways | Should -Be 0 -Because 'nothing was marked down'
    }

    It 'Combined alone is refused before any fault: WanPull and HardStop must pass first' {
        $out = Invoke-InLabAdmin {
            try { Test-HaFailover -Scenario Combined -WanPullMethod UserAction -WanPullScript {} -WanRestoreScript {} -Confirm:$false; 'ran' }
            catch { $_.FullyQualifiedErrorId }
        }
        $out | Should -Match '^FailoverCombinedNotAllowed'
    }

}
