#Requires -Modules Pester
# Watch-HaEdge and the metrics on the lab (issue 16): a real Prometheus scrapes Watch-HaEdge's endpoint with the shipped
# alert rules; a quiet minute, then a hard stop of fw1 and its failback. The file has a lab instance of its own
# (HAEDGE_LAB_PREFIX hew-), so its quiet minute runs beside the shared lab's tests instead of after them.

BeforeDiscovery {
    $script:LabPossible = $IsLinux -and ((& id -u) -eq '0')
}

Describe 'Watch-HaEdge and Prometheus through a hard stop and failback' -Tag Lab -Skip:(-not $LabPossible) {
    BeforeAll {
        $env:HAEDGE_LAB_PREFIX = 'hew-'
        $env:HAEDGE_LAB_STATE_DIR = '/run/haedge-lab-watch'
        . (Join-Path $PSScriptRoot 'support/Lab.ps1')
        . (Join-Path $PSScriptRoot 'support/WatchLog.ps1')
        Start-Lab | Out-Null
        $script:Work = New-Item -ItemType Directory -Force (Join-Path ([IO.Path]::GetTempPath()) "haedge-watch-$PID")
        $script:EventLog = Join-Path $Work 'events.jsonl'
        $modulePath = if ($env:HAEDGE_MODULE_PATH) { $env:HAEDGE_MODULE_PATH } else { Join-Path $LabRoot 'output/HaEdge' }

        function script:Get-WatchEvent { Read-WatchLog $EventLog }

        # Prometheus's own HTTP API, from inside the lab's admin namespace where it listens.
        function script:Invoke-Prometheus([string] $Path) {
            $json = & ip netns exec $LabAdminNamespace curl -s --max-time 5 "http://127.0.0.1:$PrometheusPort$Path"
            if ($LASTEXITCODE -ne 0) { return $null }
            $json | ConvertFrom-Json
        }

        function script:Get-FiringAlert {
            @((Invoke-Prometheus '/api/v1/alerts').data.alerts | Where-Object state -eq 'firing')
        }

        # The watch: in the lab's admin namespace, as an operator's shell on the LAN.
        $script:Watch = Start-WatchLog -Log $EventLog -ModulePath $modulePath -Arguments '-Interval 0:0:0.5 -MetricsPort 0' -Namespace $LabAdminNamespace
        Wait-Condition { @(Get-WatchEvent | Where-Object Kind -eq 'Started').Count -eq 1 } 60 "the watch's Started event ($(Get-Content -Raw ([IO.Path]::ChangeExtension($EventLog, '.err')) -ErrorAction Ignore))"
        $script:MetricsUrl = [uri](Get-WatchEvent | Where-Object Kind -eq 'Serving').After

        # A real Prometheus 2.42 (Debian's) with the shipped rules, scraping the watch every second; port 0, then the
        # port it got, read from the socket table.
        @"
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
rule_files:
  - $LabRoot/docs/monitoring/haedge.rules.yml
scrape_configs:
  - job_name: haedge
    static_configs:
      - targets: ['$($MetricsUrl.Authority)']
"@ | Set-Content (Join-Path $Work 'prometheus.yml')
        $script:Prometheus = Start-Process ip -PassThru -RedirectStandardError (Join-Path $Work 'prometheus.err') -RedirectStandardOutput (Join-Path $Work 'prometheus.out') `
            -ArgumentList 'netns', 'exec', $LabAdminNamespace, 'prometheus', "--config.file=$Work/prometheus.yml", "--storage.tsdb.path=$Work/tsdb",
            '--web.listen-address=127.0.0.1:0', '--log.level=warn'
        $script:PrometheusPort = $null
        Wait-Condition {
            $line = & ip netns exec $LabAdminNamespace ss -Hltnp | Where-Object { $_ -match "pid=$($Prometheus.Id)," } | Select-Object -First 1
            if ($line -match '127\.0\.0\.1:(\d+)\s') { $script:PrometheusPort = [int]$Matches[1] }
            $null -ne $PrometheusPort
        } 60 "Prometheus listening ($(Get-Content -Raw (Join-Path $Work 'prometheus.err') -ErrorAction Ignore))"
        Wait-Condition { (Invoke-Prometheus '/api/v1/targets').data.activeTargets.health -eq 'up' } 60 'Prometheus scraping the watch'
    }

    AfterAll {
        foreach ($process in $Watch, $Prometheus) { if ($process -and -not $process.HasExited) { $process.Kill(); $process.WaitForExit() } }
        Stop-Lab
        Remove-Item $Work -Recurse -Force -ErrorAction Ignore
        Remove-Item Env:HAEDGE_LAB_PREFIX, Env:HAEDGE_LAB_STATE_DIR -ErrorAction Ignore
    }

    It 'Export-HaEdgeMetric writes the metrics to a .prom file promtool accepts, and -WhatIf writes nothing' {
        $written = Invoke-InLabAdmin -ArgumentList "$Work" {
            param($dir)
            Export-HaEdgeMetric -Path "$dir/whatif.prom" -WhatIf
            [pscustomobject]@{ WhatIfWrote = (Test-Path "$dir/whatif.prom"); File = (Export-HaEdgeMetric -Path "$dir/haedge.prom" -PassThru).FullName }
        }
        $written.WhatIfWrote | Should -BeFalse
        $written.File | Should -Be (Join-Path $Work 'haedge.prom')
        Get-Content $written.File | Where-Object { $_ -match '^haedge_firewall_up' } | Should -Be 'haedge_firewall_up{edge="rehearsal lab",firewall="fw1"} 1', 'haedge_firewall_up{edge="rehearsal lab",firewall="fw2"} 1'
        Get-Content -Raw $written.File | & promtool check metrics 2>&1 | Should -BeNullOrEmpty
        $LASTEXITCODE | Should -Be 0
        # Only the file: its temporary was renamed over it.
        (Get-ChildItem -Force $Work -Filter '*.prom*').Name | Should -Be 'haedge.prom'
    }

    It 'sees nothing in a quiet minute: no event after the starting picture, no alert, metrics promtool accepts' {
        $started = Get-WatchEvent | Where-Object Kind -eq 'Started'
        $started.After | Should -Match '^fw1 owns vhid 1 on vtnet1, vhid 10 on vtnet0, vhid 20 on vtnet2;'
        $quietUntil = ([DateTimeOffset]$started.Time).AddMinutes(1)
        # The whole minute is watched: any event in it fails at once.
        do {
            @(Get-WatchEvent | Where-Object Kind -notin 'Serving', 'Started' | ForEach-Object Message) | Should -BeNullOrEmpty
            Start-Sleep -Milliseconds 500
        } while ([DateTimeOffset]::Now -lt $quietUntil)
        Get-FiringAlert | Should -BeNullOrEmpty
        # Prometheus has the edge as the watch sees it: fw1 the only MASTER of each VIP.
        (Invoke-Prometheus '/api/v1/query?query=haedge_carp_vip_on_primary').data.result.value | Where-Object { $_ -is [string] } | Sort-Object -Unique | Should -Be '1'
        $text = & ip netns exec $LabAdminNamespace curl -s --max-time 5 $MetricsUrl
        $text | & promtool check metrics 2>&1 | Should -BeNullOrEmpty
        $LASTEXITCODE | Should -Be 0
    }

    It 'fires HaEdgeFailedOver in Prometheus on a hard stop of fw1 and clears it after failback' {
        Invoke-Lab fault hard-stop fw1 | Out-Null
        # Fired as soon as fw1 does not answer; its description names the MASTER from the moment fw2 takes over.
        Wait-Condition { @(Get-FiringAlert | Where-Object { $_.labels.alertname -eq 'HaEdgeFailedOver' -and $_.annotations.description -match 'MASTER now: fw2\.' }).Count -eq 3 } 60 `
            "HaEdgeFailedOver firing for the 3 VIPs, naming fw2 (events: $(Get-WatchEvent | ForEach-Object Message))"
        (Get-FiringAlert | Where-Object { $_.labels.alertname -eq 'HaEdgeFailedOver' }).labels.edge | Sort-Object -Unique | Should -Be 'rehearsal lab'
        Invoke-Lab heal hard-stop fw1 | Out-Null
        Wait-Condition { @(Get-FiringAlert | Where-Object { $_.labels.alertname -eq 'HaEdgeFailedOver' }).Count -eq 0 } 120 'HaEdgeFailedOver cleared after failback'
    }

    # fw1 stops answering (after -Timeout) and fw2 takes the VIPs (after CARP's master-down interval) in either order.
    It 'wrote the hard stop and the failback in order: fw1 unreachable and each VIP to fw2, then fw1 back, then each VIP to fw1' {
        Wait-Condition { @(Get-WatchEvent | Where-Object { $_.Kind -eq 'VipOwnerChanged' -and $_.After -eq 'fw1' }).Count -eq 3 } 60 "each VIP back on fw1 (events: $(Get-WatchEvent | ForEach-Object Message))"
        $events = @(Get-WatchEvent | Where-Object Kind -notin 'Serving', 'Started')
        $events | ForEach-Object { Write-Host ('    {0:HH:mm:ss.fff} {1}' -f ([DateTimeOffset]$_.Time).ToLocalTime(), $_.Message) }
        $order = { param($kind, $target, $after) [array]::FindIndex([object[]]$events, [Predicate[object]] { param($e) $e.Kind -eq $kind -and $e.Target -eq $target -and (-not $after -or $e.After -eq $after) }) }
        $unreachable = & $order 'FirewallUnreachable' 'fw1'
        $back = & $order 'FirewallReachable' 'fw1'
        $unreachable | Should -BeGreaterOrEqual 0
        $back | Should -BeGreaterThan $unreachable
        foreach ($vip in 'vhid 1 on vtnet1', 'vhid 10 on vtnet0', 'vhid 20 on vtnet2') {
            $moves = @($events | Where-Object { $_.Kind -eq 'VipOwnerChanged' -and $_.Target -eq $vip })
            "$($moves[0].Before)->$($moves[0].After)" | Should -Be 'fw1->fw2' -Because "$vip moves to fw2 first"
            $moves[-1].After | Should -Be 'fw1' -Because "$vip ends on fw1"
            (& $order 'VipOwnerChanged' $vip 'fw2') | Should -BeLessThan $back
            [array]::FindLastIndex([object[]]$events, [Predicate[object]] { param($e) $e.Kind -eq 'VipOwnerChanged' -and $e.Target -eq $vip }) | Should -BeGreaterThan $back
        }
        # Each event came as it was seen: times never go back.
        $times = $events | ForEach-Object { [DateTimeOffset]$_.Time }
        ($times | Sort-Object) -join ',' | Should -Be ($times -join ',')
    }

    It 'stops cleanly on Ctrl+C: the pipeline ends (its finally block runs) and the metrics port closes' {
        & kill -INT $Watch.Id
        $Watch.WaitForExit(30000) | Should -BeTrue
        Test-Path "$EventLog.stopped" | Should -BeTrue -Because 'a clean stop runs the script''s finally block; a killed process does not'
        @(& ip netns exec $LabAdminNamespace ss -Hltn | Where-Object { $_ -match ":$($MetricsUrl.Port)\s" }) | Should -BeNullOrEmpty
    }
}
