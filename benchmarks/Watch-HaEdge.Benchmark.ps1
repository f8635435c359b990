<#
.SYNOPSIS
    Prints Watch-HaEdge's detection latency of VIP owner changes and the CPU a watch costs, on the lab.
.DESCRIPTION
    Runs in the rehearsal lab's admin namespace (it re-launches itself there), as an operator's laptop would.
    - latency: a watch at -Interval 0:0:0.5 runs in its own PowerShell while this script fails the pair over
      -Failovers times with CARP maintenance mode (Set-CarpMaintenance -Enable on the MASTER, then -Disable: each VIP
      moves to the peer and back, two owner changes per VIP per failover). For each change, the event's time minus the
      moment the new MASTER took that VIP as the lab records it (keepalived's notify hook writes the epoch ms of each
      transition to <firewall>/notify.log, on the same clock).
    - cpu: a second watch at the default 1 s interval, alone on a quiet edge: its user+system CPU as a share of one
      core (/proc/<pid>/stat, the whole PowerShell process) over the first -CpuWarmupSeconds after its first event
      (start-up: mostly the JIT compiler) and over the -CpuSeconds after that (the steady state a watch runs in).
    Goals (issue 16): latency median under one interval plus one warm read (500 ms + 50 ms); CPU under 2 % of a core.
    Run: dotnet pwsh ./build.ps1 Benchmark (lab up, as root), or this script with -ModulePath output/HaEdge.
#>
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../output/HaEdge'),
    [int] $Failovers = 10,
    [int] $CpuSeconds = 60,
    # The watch runs this long before its CPU is measured: the first minute of a process is mostly the JIT compiler.
    [int] $CpuWarmupSeconds = 60,
    # Set when the script has re-launched itself inside the admin namespace.
    [switch] $InNamespace
)
$ErrorActionPreference = 'Stop'
. (Join-Path $PSScriptRoot '../tests/support/Lab.ps1')
. (Join-Path $PSScriptRoot '../tests/support/WatchLog.ps1')
$StateDir = $LabStateDir
if (-not (Test-Path "$StateDir/edge.json")) { throw 'The rehearsal lab is not up: run dotnet pwsh ./build.ps1 Benchmark (as root), which brings it up.' }
$manifest = (Resolve-Path (Join-Path $ModulePath 'HaEdge.psd1')).Path
if (-not $InNamespace) {
    exit (Invoke-InLabNamespace -Script $PSCommandPath -Parameters @{ ModulePath = $ModulePath; Failovers = $Failovers; CpuSeconds = $CpuSeconds; CpuWarmupSeconds = $CpuWarmupSeconds })
}

Import-Module $manifest
Import-LabEnvironment
Connect-HaEdge -Path "$StateDir/edge.json" | Out-Null
$work = New-Item -ItemType Directory -Force (Join-Path ([IO.Path]::GetTempPath()) "haedge-watch-bench-$PID")

# A watch in its own PowerShell (this process is already in the lab's namespace), once it has started.
function Start-Watch([string] $Interval, [string] $Log) {
    $process = Start-WatchLog -Log $Log -ModulePath (Split-Path $manifest) -Arguments "-Interval $Interval"
    Wait-Condition { (Read-WatchLog $Log | Where-Object Kind -eq 'Started') } 60 'the watch started'
    $process
}

# keepalived's transitions as the lab's notify hook recorded them: epoch ms, firewall, vhid, state.
function Get-Transition {
    foreach ($firewall in 'fw1', 'fw2') {
        foreach ($line in Get-Content (Join-Path $StateDir "$firewall/notify.log")) {
            if ($line -match '^(\d+) \S+ vhid (\d+) -> (\w+)') { [pscustomobject]@{ Ms = [long]$Matches[1]; Firewall = $firewall; Vhid = [int]$Matches[2]; State = $Matches[3] } }
        }
    }
}

function Get-Median([double[]] $Samples) {
    $sorted = $Samples | Sort-Object
    $sorted[[int][math]::Floor($sorted.Count / 2)]
}

$interval = [timespan]'0:0:0.5'
$log = Join-Path $work 'latency.jsonl'
$watch = Start-Watch '0:0:0.5' $log
$vips = @(Get-CarpStatus | Where-Object Firewall -eq 'fw1').Count
try {
    foreach ($failover in 1..$Failovers) {
        foreach ($enable in $true, $false) {
            $seen = @(Read-WatchLog $log | Where-Object Kind -eq 'VipOwnerChanged').Count
            if ($enable) { Set-CarpMaintenance -Enable -Firewall fw1 -Confirm:$false | Out-Null } else { Set-CarpMaintenance -Disable -Firewall fw1 -Confirm:$false | Out-Null }
            Wait-Condition { @(Read-WatchLog $log | Where-Object Kind -eq 'VipOwnerChanged').Count -ge $seen + $vips } 60 "each VIP's owner change ($failover)"
        }
    }
}
finally {
    Set-CarpMaintenance -Disable -Firewall fw1 -Confirm:$false | Out-Null
    $watch.Kill(); $watch.WaitForExit()
}

$transitions = @(Get-Transition | Where-Object State -eq 'MASTER')
$latencies = foreach ($change in Read-WatchLog $log | Where-Object Kind -eq 'VipOwnerChanged') {
    $vhid = [int]([regex]::Match($change.Target, '^vhid (\d+)').Groups[1].Value)
    $seenMs = ([DateTimeOffset]$change.Time).ToUnixTimeMilliseconds()
    # The new MASTER's last transition to MASTER of this vhid before the event.
    $took = $transitions | Where-Object { $_.Firewall -eq $change.After -and $_.Vhid -eq $vhid -and $_.Ms -le $seenMs } | Sort-Object Ms | Select-Object -Last 1
    if ($took) { $seenMs - $took.Ms }
}
$median = Get-Median $latencies
$max = ($latencies | Measure-Object -Maximum).Maximum
$goal = $interval.TotalMilliseconds + 50
"Watch-HaEdge -Interval 0:0:0.5, $Failovers failovers by CARP maintenance and back ($(@($latencies).Count) VIP owner changes): detection latency median {0:N0} ms, max {1:N0} ms; goal median < {2:N0} ms (one interval and one warm read): {3}" -f $median, $max, $goal, $(if ($median -lt $goal) { 'met' } else { 'NOT met' })

# CPU: one watch at the default interval on the quiet edge.
$cpuLog = Join-Path $work 'cpu.jsonl'
$watch = Start-Watch '0:0:1' $cpuLog
try {
    $ticks = { $fields = (Get-Content "/proc/$($watch.Id)/stat" -Raw).Split(')')[1].Trim().Split(' '); [long]$fields[11] + [long]$fields[12] }
    $hz = [double](& getconf CLK_TCK)
    # The CPU share over a measured window (a window, not a wait for anything).
    $share = { param($seconds) $before = & $ticks; $clock = [Diagnostics.Stopwatch]::StartNew(); Start-Sleep -Seconds $seconds; ((& $ticks) - $before) / $hz / $clock.Elapsed.TotalSeconds }
    $startup = & $share $CpuWarmupSeconds
    $steady = & $share $CpuSeconds
}
finally { $watch.Kill(); $watch.WaitForExit() }
'Watch-HaEdge at the default 1 s interval on a quiet edge: {0:P2} of one core in its first {1} s, {2:P2} in the {3} s after; goal < 2 % (steady): {4}' -f $startup, $CpuWarmupSeconds, $steady, $CpuSeconds, $(if ($steady -lt 0.02) { 'met' } else { 'NOT met' })
Remove-Item $work -Recurse -Force -ErrorAction Ignore
if ($median -ge $goal -or $steady -ge 0.02) { exit 1 }
