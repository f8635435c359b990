<#
.SYNOPSIS
    Soaks the failover engine on the lab: -Cycles failover/failback cycles, HardStop, Maintenance and WanPull in turn,
    in one module process, and prints what passed, the outages, what was left over and the process's memory.
.DESCRIPTION
    Runs in the rehearsal lab's admin namespace (it re-launches itself there), as an operator's laptop would, with one
    session for the whole soak, so leaks of connections, threads or memory across runs show up.
    Printed: passed/failed counts; the outage distribution (min, median, p95, max) over the passed cycles; the lab's
    namespaces, the processes running from the lab's state directory, and this process's TCP connections, at the start
    and the end (the difference is what a cycle left behind); this process's managed heap (after a full collection)
    and working set after the first cycle and at the end.
    Goals (issue 19): every cycle passes, nothing left over, memory growth under 10 %. Exits non-zero when one is missed.
    Run: dotnet pwsh ./build.ps1 Benchmark (as root: brings the lab up, 10 cycles), or with the lab up
    dotnet pwsh benchmarks/Soak.Benchmark.ps1 -Cycles 100.
#>
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../output/HaEdge'),
    [int] $Cycles = 10,
    # Set when the script has re-launched itself inside the admin namespace.
    [switch] $InNamespace
)
$ErrorActionPreference = 'Stop'
. (Join-Path $PSScriptRoot '../tests/support/Lab.ps1')
if (-not (Test-Path "$LabStateDir/edge.json")) { throw 'The rehearsal lab is not up: run dotnet pwsh ./build.ps1 Benchmark (as root), which brings it up.' }
$manifest = (Resolve-Path (Join-Path $ModulePath 'HaEdge.psd1')).Path
if (-not $InNamespace) {
    exit (Invoke-InLabNamespace -Script $PSCommandPath -Parameters @{ ModulePath = $ModulePath; Cycles = $Cycles })
}

Import-Module $manifest
Import-LabEnvironment
$session = Connect-HaEdge -Path "$LabStateDir/edge.json"

# What a run could leave behind: lab namespaces, processes started from the lab's state directory, and this
# process's TCP connections (from /proc: this namespace's sockets whose inode this process holds).
function Get-Leftover {
    $inodes = @(Get-ChildItem "/proc/$PID/fd" -ErrorAction Ignore | ForEach-Object { $_.LinkTarget } | Where-Object { $_ -match '^socket:\[(\d+)\]$' } |
            ForEach-Object { $Matches[1] })
    $established = @(Get-Content /proc/net/tcp, /proc/net/tcp6 -ErrorAction Ignore | Select-Object -Skip 1 | ForEach-Object {
            $fields = -split $_
            if ($fields.Count -gt 9 -and $fields[3] -eq '01' -and $inodes -contains $fields[9]) { $fields[9] }
        })
    [pscustomobject]@{
        Namespaces  = @(& ip netns list | Where-Object { $_ -like 'hel-*' }).Count
        Processes   = @(Get-ChildItem /proc -Directory | Where-Object Name -match '^\d+$' | Where-Object {
                $cmdline = Get-Content -Raw -ErrorAction Ignore "$($_.FullName)/cmdline"
                $cmdline -and $cmdline.Contains("$LabStateDir/") }).Count
        Connections = $established.Count
    }
}

function Get-Memory {
    [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect()
    $process = [Diagnostics.Process]::GetCurrentProcess()
    $process.Refresh()
    [pscustomobject]@{ ManagedMB = [GC]::GetTotalMemory($true) / 1MB; WorkingSetMB = $process.WorkingSet64 / 1MB }
}

$scenarios = 'HardStop', 'Maintenance', 'WanPull'
$before = Get-Leftover
$results = [Collections.Generic.List[object]]::new()
$memoryStart = $null
$clock = [Diagnostics.Stopwatch]::StartNew()
foreach ($cycle in 1..$Cycles) {
    $scenario = $scenarios[($cycle - 1) % $scenarios.Count]
    $entry = [pscustomobject]@{ Cycle = $cycle; Scenario = $scenario; Passed = $false; Outage = $null; FailbackOutage = $null; Why = $null }
    try {
        $r = Test-HaFailover -Session $session -Scenario $scenario -ProbeInterval 0:0:0.2 -Settle 0:0:3 -Confirm:$false
        $entry.Passed = $r.Passed
        $entry.Outage = $r.Outage
        $entry.FailbackOutage = $r.FailbackOutage
        if (-not $r.Passed) { $entry.Why = $r.Reasons -join ' ' }
    }
    catch { $entry.Why = "$($_.FullyQualifiedErrorId): $($_.Exception.Message)" }
    $results.Add($entry)
    '{0,4}/{1} {2,-11} {3} outage {4:N2} s, failback {5:N2} s{6}' -f $cycle, $Cycles, $scenario, $(if ($entry.Passed) { 'passed' } else { 'FAILED' }),
        $(if ($entry.Outage) { $entry.Outage.TotalSeconds } else { [double]::NaN }), $(if ($entry.FailbackOutage) { $entry.FailbackOutage.TotalSeconds } else { [double]::NaN }),
        $(if ($entry.Why) { ": $($entry.Why)" })
    # The first cycle loads and warms everything once: memory is compared from there.
    if ($cycle -eq 1) { $memoryStart = Get-Memory }
}
Disconnect-HaEdge -Session $session -Confirm:$false
$memoryEnd = Get-Memory
$after = Get-Leftover

function Get-Quantile([double[]] $Values, [double] $Q) {
    if ($Values.Count -eq 0) { return [double]::NaN }
    $sorted = @($Values | Sort-Object)
    # Nearest rank: the smallest value with at least Q of the values at or below it.
    $sorted[[int][math]::Max(0, [math]::Min($sorted.Count - 1, [math]::Ceiling($Q * $sorted.Count) - 1))]
}
$passed = @($results | Where-Object Passed)
$outages = @($passed | Where-Object Outage | ForEach-Object { $_.Outage.TotalSeconds })
$growth = if ($memoryStart.ManagedMB -gt 0) { 100 * ($memoryEnd.ManagedMB - $memoryStart.ManagedMB) / $memoryStart.ManagedMB } else { 0 }
''
"Soak: $Cycles cycles ($($scenarios -join ', ') in turn) in $([math]::Round($clock.Elapsed.TotalMinutes, 1)) min, PowerShell $($PSVersionTable.PSVersion)"
'  passed {0}, failed {1}' -f $passed.Count, ($results.Count - $passed.Count)
foreach ($scenario in $scenarios) {
    $values = @($passed | Where-Object Scenario -EQ $scenario | Where-Object Outage | ForEach-Object { $_.Outage.TotalSeconds })
    '  outage {0,-11} n={1,-3} min {2:N2} s, median {3:N2} s, p95 {4:N2} s, max {5:N2} s' -f $scenario, $values.Count,
        (Get-Quantile $values 0), (Get-Quantile $values 0.5), (Get-Quantile $values 0.95), (Get-Quantile $values 1)
}
'  outage all         n={0,-3} min {1:N2} s, median {2:N2} s, p95 {3:N2} s, max {4:N2} s' -f $outages.Count,
    (Get-Quantile $outages 0), (Get-Quantile $outages 0.5), (Get-Quantile $outages 0.95), (Get-Quantile $outages 1)
'  left over: namespaces {0} -> {1}, lab processes {2} -> {3}, this process''s TCP connections {4} -> {5} (after Disconnect-HaEdge)' -f `
    $before.Namespaces, $after.Namespaces, $before.Processes, $after.Processes, $before.Connections, $after.Connections
'  memory after cycle 1 -> end: managed {0:N1} -> {1:N1} MB ({2:+0.0;-0.0} %), working set {3:N1} -> {4:N1} MB' -f `
    $memoryStart.ManagedMB, $memoryEnd.ManagedMB, $growth, $memoryStart.WorkingSetMB, $memoryEnd.WorkingSetMB
$met = $passed.Count -eq $Cycles -and $after.Namespaces -eq $before.Namespaces -and $after.Processes -le $before.Processes -and
    $after.Connections -le $before.Connections -and $growth -lt 10
'  goals (all pass, nothing left over, memory growth < 10 %): {0}' -f $(if ($met) { 'met' } else { 'NOT met' })
if (-not $met) { exit 1 }
