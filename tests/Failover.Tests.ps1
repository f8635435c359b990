#Requires -Modules Pester
# Issue 6's bar on the rehearsal lab: each scenario passes on a healthy lab, HardStop without state sync loses the
# session and fails, WanPull (the fibre upstream dies) leaves CARP alone and moves the default route to Starlink, -WhatIf touches nothing, and the HTML report
# renders in a real browser.
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
        Invoke-Lab heal sync-cut | Out-Null
        Remove-Item $Reports -Recurse -Force -ErrorAction Ignore
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

    It 'HardStop: the backup takes over by protocol timeout, the session survives, and the failback is clean' {
        $report = Join-Path $Reports 'hardstop.html'
        $r = Invoke-InLabAdmin {
            param($Report)
            Test-HaFailover -Scenario HardStop -ProbeInterval 0:0:0.1 -MaxOutage 0:0:8 -Settle 0:0:5 -ReportPath $Report -Confirm:$false
        } -ArgumentList $report
        $r.Passed | Should -BeTrue -Because ($r.Reasons -join '; ')
        $r.NewMaster | Should -Be 'fw2'
        $r.Outage | Should -BeLessThan ([timespan]'0:0:5')
        $r.SessionSurvived | Should -BeTrue
        $r.FailbackClean | Should -BeTrue
        Test-Path $report | Should -BeTrue
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

    It 'WanPull (the fibre upstream dies): CARP stays put and the default route moves to Starlink, then back' {
        $r = Invoke-InLabAdmin {
            param($Lab)
            Test-HaFailover -Scenario WanPull -WanPullMethod UserAction -ProbeInterval 0:0:0.1 -Settle 0:0:3 -Confirm:$false `
                -WanPullScript ([scriptblock]::Create("& dotnet '$Lab' fault fibre-dead | Out-Null")) `
                -WanRestoreScript ([scriptblock]::Create("& dotnet '$Lab' heal fibre-dead | Out-Null"))
        } -ArgumentList (Get-LabBinary)
        $r.Passed | Should -BeTrue -Because ($r.Reasons -join '; ')
        $r.CarpMoved | Should -BeFalse
        $r.GatewayAfter | Should -Match 'STARLINK'
        $r.FailbackClean | Should -BeTrue
    }

    It 'the HTML report renders in headless Chromium' -Skip:(-not (Get-Command chromium -ErrorAction Ignore)) {
        $report = Join-Path $Reports 'hardstop.html'
        $shot = Join-Path $Reports 'hardstop.png'
        $arguments = @('--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
            '--disable-component-update', '--disable-sync', "--user-data-dir=$(Join-Path $Reports 'chromium')",
            '--window-size=1400,1800', "--screenshot=$shot", "file://$report")
        & chromium @arguments 2>$null | Out-Null
        Test-Path $shot | Should -BeTrue
        (Get-Item $shot).Length | Should -BeGreaterThan 20KB
        (Get-Content -Raw $report) | Should -Match '<svg'
    }
}
