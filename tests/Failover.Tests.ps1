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
        # Renders a page in headless Chromium: a screenshot, and the DOM as the browser built it.
        function script:Show-InChromium([string] $Page) {
            $shot = [IO.Path]::ChangeExtension($Page, '.png')
            $common = @('--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
                '--disable-component-update', '--disable-sync', "--user-data-dir=$(Join-Path $Reports 'chromium')")
            & chromium @common '--window-size=1400,1800' "--screenshot=$shot" "file://$Page" 2>$null | Out-Null
            $dom = (& chromium @common '--dump-dom' "file://$Page" 2>$null) -join "`n"
            Test-Path $shot | Should -BeTrue
            [pscustomobject]@{ Screenshot = $shot; Dom = $dom }
        }
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
            $r = Invoke-InLabAdmin { Test-HaFailover -Scenario HardStop -ProbeInterval 0:0:0.1 -Baseline 1 -Settle 0:0:5 -Force -Confirm:$false }
        }
        finally { Invoke-Lab heal sync-cut | Out-Null }
        $r.SessionSurvived | Should -BeFalse
        $r.Passed | Should -BeFalse
        ($r.Reasons -join ' ') | Should -Match 'session'
    }

    It 'Maintenance: the peer takes every VIP and gives them back' {
        $r = Invoke-InLabAdmin { Test-HaFailover -Scenario Maintenance -ProbeInterval 0:0:0.1 -Baseline 1 -Settle 0:0:2 -Confirm:$false }
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
            $script:Clixml = Join-Path $Reports 'run.xml'
            $script:Run = Invoke-InLabAdmin {
                param($Lab, $Report, $PingCapture, $StateDir, $Clixml)
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
                # Saved as a user would (Export-Clixml's default depth), for Export-HaFailoverReport below.
                $results | Export-Clixml $Clixml
                # The report's embedded JSON, read with PowerShell's own parser, against the live results.
                $embedded = [regex]::Match((Get-Content -Raw $Report), '<script type="application/json" id="haedge-results">(.*?)</script>', 'Singleline')
                $json = ($embedded.Groups[1].Value | ConvertFrom-Json).results
                $mismatches = [Collections.Generic.List[string]]::new()
                function Same($what, $expected, $actual) { if ("$expected" -ne "$actual") { $mismatches.Add("${what}: '$expected' <> '$actual'") } }
                function Span($text) { if ($null -ne $text) { [timespan]::Parse($text, [cultureinfo]::InvariantCulture) } }
                Same 'count' $results.Count @($json).Count
                for ($i = 0; $i -lt $results.Count; $i++) {
                    $r, $j = $results[$i], @($json)[$i]
                    foreach ($name in 'Scenario', 'Passed', 'Fault', 'OriginalMaster', 'NewMaster', 'CarpMoved', 'ProbesSent', 'ProbesLost', 'ProbeLoss', 'SessionSurvived', 'FailbackClean') {
                        Same "$i $name" $r.$name $j.$name
                    }
                    foreach ($name in 'Outage', 'VipMovedAfter', 'RouteMovedAfter', 'FailbackAfter', 'FailbackOutage', 'StartedAt', 'FaultOffset', 'UndoOffset', 'EndedAt') {
                        Same "$i $name" $r.$name (Span $j.$name)
                    }
                    Same "$i RunStartedAt" $r.RunStartedAt.UtcTicks ([DateTimeOffset]$j.RunStartedAt).UtcTicks
                    Same "$i MaxOutage" $r.Criteria.MaxOutage (Span $j.Criteria.MaxOutage)
                    foreach ($name in 'Edge', 'User', 'Host', 'ModuleVersion', 'Primary', 'PrimaryRelease', 'Secondary', 'SecondaryRelease', 'ProxmoxVersion') { Same "$i Run.$name" $r.Run.$name $j.Run.$name }
                    Same "$i samples" (($r.Samples | ForEach-Object { "$($_.Probe) $($_.SentAt) $($_.Outcome) $($_.Rtt)" }) -join ';') (($j.Samples | ForEach-Object { "$($_.Probe) $(Span $_.SentAt) $($_.Outcome) $(Span $_.Rtt)" }) -join ';')
                    Same "$i timeline" (($r.Timeline | ForEach-Object { "$($_.At) $($_.Kind) $($_.Subject) $($_.Message)" }) -join ';') (($j.Timeline | ForEach-Object { "$(Span $_.At) $($_.Kind) $($_.Subject) $($_.Message)" }) -join ';')
                    Same "$i ownership" (($r.Ownership | ForEach-Object { "$($_.At) $($_.Owner) $($_.Gateway)" }) -join ';') (($j.Ownership | ForEach-Object { "$(Span $_.At) $($_.Owner) $($_.Gateway)" }) -join ';')
                    Same "$i VIP ownership" (($r.VipOwnership | ForEach-Object { "$($_.Poll) $($_.At) $($_.Vip)=$($_.Owner)" }) -join ';') (($j.VipOwnership | ForEach-Object { "$($_.Poll) $(Span $_.At) $($_.Vip)=$($_.Owner)" }) -join ';')
                }
                # One clock: each CARP change in the timeline is at the poll whose ownership row shows it.
                $clock = foreach ($r in $results) {
                    foreach ($e in @($r.Timeline | Where-Object { "$($_.Kind)" -eq 'CarpStateChanged' -and $_.Message -match '^(.+) \S+ -> MASTER$' })) {
                        # Matched again here: the filter above ran over every event first, so its $Matches is the last one's.
                        $vip = [regex]::Match($e.Message, '^(.+) \S+ -> MASTER$').Groups[1].Value
                        $row = @($r.VipOwnership | Where-Object { $_.At -eq $e.At -and $_.Vip -eq $vip })
                        [pscustomobject]@{ Scenario = "$($r.Scenario)"; At = $e.At; Vip = $vip; Subject = $e.Subject; Row = ($row.Owner -join ',') }
                    }
                }
                [pscustomobject]@{
                    Results     = @($results | Select-Object @{ n = 'Scenario'; e = { "$($_.Scenario)" } }, Passed, Reasons, CarpMoved, NewMaster, GatewayAfter,
                        FailbackClean, Outage, SessionSurvived, Run, @{ n = 'Vips'; e = { @($_.VipOwnership.Vip | Sort-Object -Unique) } })
                    Comparisons = $comparisons
                    Mismatches  = @($mismatches)
                    Clock       = @($clock)
                    User        = [Environment]::UserName
                    Host        = [Environment]::MachineName
                }
            } -ArgumentList (Get-LabLauncher)[1], $Report, (Join-Path $LabRoot 'benchmarks/support/PingCapture.ps1'), $LabStateDir, $Clixml
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

        It 'writes an HTML report that renders in headless Chromium with every item the issue asks for' {
            Test-Path $Report | Should -BeTrue
            $page = Show-InChromium $Report
            (Get-Item $page.Screenshot).Length | Should -BeGreaterThan 20KB
            $dom = $page.Dom
            $dom | Should -Match '<svg'
            # Who ran it, from where, with which versions (the lab's default profile: pfSense 2.7.2 on Proxmox VE 9).
            $dom | Should -Match "<dt>Run by</dt><dd>$([regex]::Escape($Run.User))</dd>"
            $dom | Should -Match "<dt>From</dt><dd>$([regex]::Escape($Run.Host))</dd>"
            $dom | Should -Match '<dt>HaEdge</dt><dd>\d+\.\d+\.\d+</dd>'
            $dom | Should -Match '<dt>fw1 pfSense</dt><dd>2\.7\.2-RELEASE</dd>'
            $dom | Should -Match '<dt>fw2 pfSense</dt><dd>2\.7\.2-RELEASE</dd>'
            $dom | Should -Match '<dt>Proxmox VE</dt><dd>9\.\d+\.\d+</dd>'
            # The pass criteria beside the measured values: -MaxOutage 0:0:8, one row per scenario.
            ([regex]::Matches($dom, 'Outage during the failover \(MaxOutage\)</td><td>\u2264 8\.000 s</td><td>\d+\.\d{3} s</td><td class="met">met')).Count | Should -Be 3
            ([regex]::Matches($dom, 'Clean failback \(FailbackTimeout')).Count | Should -Be 3
            # Wall-clock times (UTC ISO) beside the offsets in the timeline.
            $dom | Should -Match '<td><time>20\d\d-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z</time></td><td>\+\d+\.\d{3} s</td>'
            # One ownership row per VIP (the lab's VIPs), a log RTT scale and the note on the TCP ramp.
            $vips = @($Run.Results.Vips | Sort-Object -Unique)
            $vips.Count | Should -BeGreaterThan 1
            foreach ($vip in $vips) { ([regex]::Matches($dom, ">$([regex]::Escape($vip))</text>")).Count | Should -Be 3 -Because "$vip has a row in each scenario's chart" }
            ([regex]::Matches($dom, '>RTT \(ms, log\)</text>')).Count | Should -Be 3
            $dom | Should -Match 'TCP session ramp:'
            # The results, embedded, survive the browser's parse.
            $dom | Should -Match '<script type="application/json" id="haedge-results">\{"format":"haedge.failover-results"'
        }

        It 'embeds the results as JSON that parses back to the same results' {
            $Run.Mismatches | Should -BeNullOrEmpty
        }

        It 'uses one clock: each CARP change is at the poll whose ownership row shows it' {
            $Run.Clock | Should -Not -BeNullOrEmpty
            foreach ($change in $Run.Clock) {
                # Split: the poll caught the old MASTER not yet BACKUP (a preempting failback).
                $change.Row | Should -BeIn @($change.Subject, 'split') -Because "$($change.Scenario) +$($change.At): $($change.Vip) -> MASTER on $($change.Subject)"
            }
        }

        It 'Export-HaFailoverReport rebuilds the report from the Export-Clixml''d results, and a history over runs' {
            Import-Module (Join-Path $(if ($env:HAEDGE_MODULE_PATH) { $env:HAEDGE_MODULE_PATH } else { Join-Path $LabRoot 'output/HaEdge' }) 'HaEdge.psd1')
            $embedded = { param($path) [regex]::Match((Get-Content -Raw $path), '<script type="application/json" id="haedge-results">(.*?)</script>', 'Singleline').Groups[1].Value }
            $again = Join-Path $Reports 'again.html'
            Import-Clixml $Clixml | Export-HaFailoverReport -Path $again -WhatIf
            Test-Path $again | Should -BeFalse
            $file = Import-Clixml $Clixml | Export-HaFailoverReport -Path $again
            $file | Should -BeOfType [IO.FileInfo]
            $file.FullName | Should -Be $again
            & $embedded $again | Should -BeExactly (& $embedded $Report) -Because 'the saved results give the same results'
            (Show-InChromium $again).Dom | Should -Match '<dt>fw1 pfSense</dt><dd>2\.7\.2-RELEASE</dd>'

            # A second run: the same results a day later, as JSON a script writes.
            $later = (& $embedded $Report | ConvertFrom-Json -DateKind String)
            foreach ($r in $later.results) { $r.RunStartedAt = ([DateTimeOffset]::Parse($r.RunStartedAt, [cultureinfo]::InvariantCulture)).AddDays(1).ToString('o') }
            $laterJson = Join-Path $Reports 'later.json'
            $later | ConvertTo-Json -Depth 12 | Set-Content $laterJson
            $history = Export-HaFailoverReport -ResultPath $Report, $laterJson -Path (Join-Path $Reports 'history.html')
            $dom = (Show-InChromium $history.FullName).Dom
            $dom | Should -Match '2 runs, 6 scenarios, 6 passed'
            foreach ($scenario in 'WanPull', 'HardStop', 'Combined') { $dom | Should -Match "<th>$scenario</th>" }
            ([regex]::Matches($dom, '<span class="badge pass">PASS</span> \d+\.\d{3} s <small>\(max 8\.000 s\)</small>')).Count | Should -Be 6

            # ConvertTo-HaEdgeJson (issue 14): the saved results as readable JSON (scenarios by name, durations as text,
            # never ConvertTo-Json's 15 TimeSpan fields), which the report reads back as the same results.
            $readable = Join-Path $Reports 'readable.json'
            Import-Clixml $Clixml | ConvertTo-HaEdgeJson | Set-Content $readable
            $text = Get-Content -Raw $readable
            $text | Should -Not -Match '"Ticks"'
            $text | Should -Match '"Scenario": "HardStop"'
            $text | Should -Match '"Outage": "\d\d:\d\d:\d\d(\.\d+)?"'
            $fromReadable = Export-HaFailoverReport -ResultPath $readable -Path (Join-Path $Reports 'readable.html')
            & $embedded $fromReadable.FullName | Should -BeExactly (& $embedded $Report)

            { Export-HaFailoverReport -ResultPath (Join-Path $Reports 'run.png') -Path (Join-Path $Reports 'x.html') -ErrorAction Stop } |
                Should -Throw -ErrorId 'FailoverResultsInvalid,HaEdge.Commands.ExportHaFailoverReportCommand'
        }
    }

    It 'WanPull by gateway force-down (the default): CARP stays on fw1 and its default route moves to Starlink, then back' {
        $r = Invoke-InLabAdmin {
            Test-HaFailover -Scenario WanPull -ProbeInterval 0:0:0.1 -Baseline 1 -Settle 0:0:2 -Confirm:$false |
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
            Test-HaFailover -Scenario WanPull -WanPullMethod LinkDown -ProbeInterval 0:0:0.1 -Baseline 1 -Settle 0:0:2 -Confirm:$false |
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
