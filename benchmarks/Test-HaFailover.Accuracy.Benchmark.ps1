<#
.SYNOPSIS
    Prints Test-HaFailover's outage beside an independent `ping -D` capture of the same failovers on the lab.
.DESCRIPTION
    Runs in the rehearsal lab's admin namespace (it re-launches itself there): the LAN workstation, where the module's
    own probes run. iputils `ping -D -O` at a finer interval (20 ms) to the definition's ping target runs from before
    the first scenario to after the last; Test-HaFailover runs the scenarios at its own probe interval (200 ms by
    default). The capture is read onto the run's clock (PingCapture.Parse) and its outage over each scenario's
    failover window (fault to undo) computed by the same OutageCalculator (PingCapture.Compare).
    Goal (issue 6): the two agree within one probe interval of the module.
    Run: dotnet pwsh ./build.ps1 Benchmark (lab up, as root), or this script with -ModulePath output/HaEdge.
#>
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../output/HaEdge'),
    [ValidateSet('Maintenance', 'HardStop')]
    [string[]] $Scenario = @('HardStop', 'Maintenance'),
    [int] $Runs = 2,
    [double] $ProbeIntervalMs = 200,
    [double] $CaptureIntervalMs = 20,
    # Set when the script has re-launched itself inside the admin namespace.
    [switch] $InNamespace
)
$ErrorActionPreference = 'Stop'
. (Join-Path $PSScriptRoot '../tests/support/Lab.ps1')
. (Join-Path $PSScriptRoot 'support/PingCapture.ps1')
$StateDir = $LabStateDir
if (-not (Test-Path "$StateDir/edge.json")) { throw 'The rehearsal lab is not up: run dotnet pwsh ./build.ps1 Benchmark (as root), which brings it up.' }
$manifest = (Resolve-Path (Join-Path $ModulePath 'HaEdge.psd1')).Path
if (-not $InNamespace) {
    exit (Invoke-InLabNamespace -Script $PSCommandPath -Parameters @{
            ModulePath = $ModulePath; Scenario = $Scenario; Runs = $Runs; ProbeIntervalMs = $ProbeIntervalMs; CaptureIntervalMs = $CaptureIntervalMs
        })
}

Import-Module $manifest
Import-LabEnvironment
Connect-HaEdge -Path "$StateDir/edge.json" | Out-Null
$target = (Get-Content -Raw "$StateDir/edge.json" | ConvertFrom-Json).probes.ping
$comparisons = foreach ($run in 1..$Runs) {
    $capture = Start-PingCapture $target -IntervalMs $CaptureIntervalMs
    $results = @()
    try {
        $results = Test-HaFailover -Scenario $Scenario -ProbeInterval ([timespan]::FromMilliseconds($ProbeIntervalMs)) -Settle 0:0:3 -Confirm:$false
        Start-Sleep -Milliseconds 300
    }
    finally { Stop-PingCapture $capture $results }
}

"Test-HaFailover outage vs an independent ping -D capture at $CaptureIntervalMs ms, module probe interval $ProbeIntervalMs ms, $Runs run(s):"
foreach ($comparison in $comparisons) { '  ' + $comparison.ToString() }
$worst = ($comparisons | Measure-Object -Property { $_.Difference.TotalMilliseconds } -Maximum).Maximum
$met = @($comparisons | Where-Object { -not $_.Agrees }).Count -eq 0
'  goal: every difference within one probe interval ({0} ms) -> worst {1:N0} ms, {2}' -f $ProbeIntervalMs, $worst, $(if ($met) { 'met' } else { 'NOT met' })
if (-not $met) { exit 1 }
