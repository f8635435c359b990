<#
.SYNOPSIS
    Prints the median time to import the built HaEdge module in a fresh PowerShell process (goal: under 0.25 s).
.DESCRIPTION
    Each run starts a new process, so nothing is cached in-process. The figure is the import alone: the script
    measures Import-Module inside the child with a Stopwatch, then checks the module exports exactly its manifest's
    cmdlets. Run: dotnet pwsh ./build.ps1 Benchmark, or this script with -ModulePath output/HaEdge.
#>
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../output/HaEdge'),
    [int] $Runs = 15
)
$ErrorActionPreference = 'Stop'
$manifest = (Resolve-Path (Join-Path $ModulePath 'HaEdge.psd1')).Path
. (Join-Path $PSScriptRoot '../tests/support/Lab.ps1')
$pwsh = Get-PwshLauncher
$probe = "`$w = [Diagnostics.Stopwatch]::StartNew(); Import-Module '$manifest'; `$ms = `$w.Elapsed.TotalMilliseconds; " +
    "`$exported = ((Get-Module HaEdge).ExportedCmdlets.Keys | Sort-Object) -join ','; `"`$ms|`$exported`""

$samples = foreach ($run in 1..$Runs) {
    $line = & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -Command $probe
    $ms, $exported = "$line".Split('|')
    [pscustomobject]@{ Milliseconds = [double]$ms; Exported = $exported }
}
$declared = ((Import-PowerShellDataFile $manifest).CmdletsToExport | Sort-Object) -join ','
$sorted = $samples.Milliseconds | Sort-Object
$median = $sorted[[int][math]::Floor($sorted.Count / 2)]
'Import-Module HaEdge in a fresh pwsh {0} ({1} runs): median {2:N1} ms, min {3:N1} ms, max {4:N1} ms (goal < 250 ms)' -f `
    $PSVersionTable.PSVersion, $Runs, $median, $sorted[0], $sorted[-1]
$exact = @($samples | Where-Object Exported -ne $declared).Count -eq 0
'Exports exactly the declared cmdlets: {0}' -f $exact
if ($median -ge 250 -or -not $exact) { 'goal NOT met'; exit 1 }
