#Requires -Version 7.2
<#
.SYNOPSIS
    Builds, tests and rehearses HaEdge. Run it through the pinned PowerShell: dotnet tool restore && dotnet pwsh ./build.ps1 <Task>

.DESCRIPTION
    Tasks:
      Build      the module laid out in output/HaEdge, ready for Import-Module (help compiled from docs/).
      Test       Build, then xunit (HaEdge.Core) and Pester (the cmdlets; Lab-tagged tests when root on Linux).
                 Ends with one line 'N passed, N failed' over both and exits non-zero on any failure.
      Rehearsal  The main job: Build, bring the lab up, run a failover rehearsal on it, print the result, take it down.
      LabUp / LabDown / LabStatus   The rehearsal lab on its own (root, Linux).
      Benchmark  Build, then every benchmark script in benchmarks/, printing figures.
      Clean      Remove output/ and every bin/ and obj/.
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('Build', 'Test', 'Rehearsal', 'LabUp', 'LabDown', 'LabStatus', 'Benchmark', 'Clean')]
    [string] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Pester tags to leave out, e.g. -ExcludeTag Lab on a machine where the lab cannot run.
    [string[]] $ExcludeTag = @()
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

# Tools this build restores from NuGet into output/tools, never into the user's profile or module path.
$PesterVersion = '5.7.1'

$Root = $PSScriptRoot
$Output = Join-Path $Root 'output'
$ModuleOut = Join-Path $Output 'HaEdge'
$ToolsDir = Join-Path $Output 'tools'
$LabProject = Join-Path $Root 'src/HaEdge.Lab/HaEdge.Lab.csproj'

# The one lab driver (also the Pester files', the benchmarks' and the rehearsal's).
. (Join-Path $Root 'tests/support/Lab.ps1')
# A fresh process of this same PowerShell (the pinned dotnet tool runs as 'dotnet pwsh.dll').
$ChildPwsh = Get-PwshLauncher

# The most a single test may run without finishing (a hang fails instead of stalling CI). The longest, a Test-HaFailover
# run of three scenarios on the lab, takes about 90 s.
$TestTimeLimit = [timespan]::FromMinutes(5)

function Invoke-Native {
    param([string] $File, [string[]] $Arguments)
    & $File @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$File $($Arguments -join ' ') failed with exit code $LASTEXITCODE" }
}

function Build-Module {
    $publish = Join-Path $Output 'publish'
    Remove-Item $publish, $ModuleOut -Recurse -Force -ErrorAction Ignore
    $ci = @(if ($env:CI) { '-p:ContinuousIntegrationBuild=true' })
    Invoke-Native dotnet (@('publish', "$Root/src/HaEdge/HaEdge.csproj", '-c', $Configuration, '-o', "$publish/module", '--nologo', '-v', 'q') + $ci)
    Invoke-Native dotnet (@('publish', "$Root/src/HaEdge.Ssh/HaEdge.Ssh.csproj", '-c', $Configuration, '-o', "$publish/ssh", '--nologo', '-v', 'q') + $ci)

    $deps = New-Item -ItemType Directory -Force (Join-Path $ModuleOut 'Dependencies')
    # The cmdlets and Core (with Core's own netstandard dependencies) sit at the root, in the default load context.
    Get-ChildItem "$publish/module" -Filter *.dll | Copy-Item -Destination $ModuleOut
    # SSH.NET and its dependencies go to Dependencies/, loaded in HaEdge's own load context. HaEdge.Core stays
    # out of it so the contracts between the two remain one type.
    Get-ChildItem "$publish/ssh" -Filter *.dll | Where-Object Name -ne 'HaEdge.Core.dll' | Copy-Item -Destination $deps
    Copy-Item "$Root/HaEdge.psd1", "$Root/src/HaEdge/HaEdge.Format.ps1xml" -Destination $ModuleOut

    # The help compiler imports the module, so it runs in its own process.
    Invoke-Native $ChildPwsh[0] (@($ChildPwsh | Select-Object -Skip 1) + @('-NoProfile', '-File', "$Root/tools/Build-Help.ps1", '-DocsPath', "$Root/docs/en-US", '-OutputPath', "$Root/en-US", '-ModulePath', $ModuleOut))
    Copy-Item "$Root/en-US" -Destination $ModuleOut -Recurse
    Write-Host "Built $ModuleOut (HaEdge $((Import-PowerShellDataFile "$Root/HaEdge.psd1").ModuleVersion))"
}

function Get-Pester {
    $module = Join-Path $ToolsDir "packages/pester/$PesterVersion/tools/Pester.psd1"
    if (-not (Test-Path $module)) {
        New-Item -ItemType Directory -Force $ToolsDir | Out-Null
        $project = Join-Path $ToolsDir 'tools.csproj'
        @"
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>netstandard2.0</TargetFramework><ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally></PropertyGroup>
  <ItemGroup><PackageDownload Include="Pester" Version="[$PesterVersion]" /></ItemGroup>
</Project>
"@ | Set-Content $project
        Invoke-Native dotnet @('restore', $project, '--packages', (Join-Path $ToolsDir 'packages'), '-v', 'q')
    }
    $module
}

function Install-LabPackage {
    if (Test-LabPossible) { Invoke-Native bash @("$Root/scripts/lab-packages.sh") }
}

# The lab program, built once per build into output/lab; Get-LabLauncher (tests/support/Lab.ps1) finds it through HAEDGE_LAB_BIN.
function Build-Lab {
    $out = Join-Path $Output 'lab'
    Invoke-Native dotnet @('build', $LabProject, '-c', $Configuration, '-o', $out, '--nologo', '-v', 'q')
    $env:HAEDGE_LAB_BIN = Join-Path $out 'haedge-lab.dll'
}

function Assert-LabPossible {
    if (-not (Test-LabPossible)) { throw 'The rehearsal lab needs Linux and root (it builds network namespaces).' }
}

# xunit over HaEdge.Core. Counted from the TRX file, and never trusted alone: a crashed or hung test host can leave a
# TRX that shows fewer tests and no failure, so a non-zero exit code, an outcome other than Completed, or fewer
# executed than discovered is a failure too.
function Invoke-XunitRun([string] $Results) {
    $trx = Join-Path $Results 'core.trx'
    Remove-Item $trx -ErrorAction Ignore
    & dotnet test "$Root/tests/HaEdge.Core.Tests/HaEdge.Core.Tests.csproj" -c $Configuration --nologo `
        --blame-hang --blame-hang-timeout "$([int]$TestTimeLimit.TotalSeconds)s" --blame-hang-dump-type none `
        --logger "trx;LogFileName=$trx" --logger 'console;verbosity=minimal' | Out-Host
    $exitCode = $LASTEXITCODE
    $run = [ordered]@{ Name = 'xunit'; Passed = 0; Failed = 0; Skipped = 0; Contract = 0; Lab = 0; Problems = [Collections.Generic.List[string]]::new() }
    if (-not (Test-Path $trx)) {
        $run.Problems.Add("no TRX was written (dotnet test exit code $exitCode)")
        return $run
    }
    $summary = ([xml](Get-Content -Raw $trx)).TestRun.ResultSummary
    $counters = $summary.Counters
    $run.Passed = [int]$counters.passed
    $run.Failed = [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted
    $run.Skipped = [int]$counters.notExecuted + [int]$counters.inconclusive + [int]$counters.warning
    if ($exitCode -ne 0) { $run.Problems.Add("dotnet test exited with $exitCode") }
    if ($summary.outcome -ne 'Completed' -and $run.Failed -eq 0) { $run.Problems.Add("the test run's outcome is '$($summary.outcome)', not Completed") }
    if ([int]$counters.executed -ne [int]$counters.total) { $run.Problems.Add("$($counters.executed) of $($counters.total) tests executed") }
    foreach ($skipped in ([xml](Get-Content -Raw $trx)).TestRun.Results.UnitTestResult | Where-Object outcome -in 'NotExecuted', 'Inconclusive') {
        $run.Problems.Add("skipped: $($skipped.testName)")
    }
    $run
}

# One Pester test file in a fresh process (nothing it imports, sets or starts reaches the next file), its output
# passed through. A file that prints nothing for $TestTimeLimit (Detailed output: a line per test) is killed and
# failed; one that ends without writing its result (a crash) fails too.
function Invoke-PesterFile([string] $File, [string] $Exclude, [string] $Results) {
    $json = Join-Path $Results ([IO.Path]::GetFileNameWithoutExtension($File) + '.json')
    Remove-Item $json -ErrorAction Ignore
    $start = [Diagnostics.ProcessStartInfo]::new($ChildPwsh[0])
    foreach ($argument in @($ChildPwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File', "$Root/tests/Invoke-PesterRun.ps1",
            '-PesterPath', (Get-Pester), '-ModulePath', $ModuleOut, '-TestPath', $File, '-ExcludeTag', $Exclude, '-ResultPath', $json)) {
        $start.ArgumentList.Add($argument)
    }
    $start.RedirectStandardOutput = $true
    $start.UseShellExecute = $false
    $process = [Diagnostics.Process]::Start($start)
    $lastOutput = [Diagnostics.Stopwatch]::StartNew()
    $line = $process.StandardOutput.ReadLineAsync()
    $hung = $false
    while ($true) {
        if ($line.Wait(1000)) {
            if ($null -eq $line.Result) { break }
            Write-Host $line.Result
            $lastOutput.Restart()
            $line = $process.StandardOutput.ReadLineAsync()
        }
        elseif ($lastOutput.Elapsed -gt $TestTimeLimit) {
            $hung = $true
            $process.Kill($true)
            break
        }
    }
    $process.WaitForExit()
    $name = Split-Path -Leaf $File
    if ($hung) { return @{ File = $name; Problem = "no test finished within $($TestTimeLimit.TotalMinutes) min: killed" } }
    if (-not (Test-Path $json)) { return @{ File = $name; Problem = "ended (exit code $($process.ExitCode)) without a result: crashed" } }
    Get-Content -Raw $json | ConvertFrom-Json -AsHashtable
}

function Invoke-PesterRun([string[]] $Exclude, [string] $Results) {
    $run = [ordered]@{ Name = 'Pester'; Passed = 0; Failed = 0; Skipped = 0; Contract = 0; Lab = 0; Problems = [Collections.Generic.List[string]]::new() }
    foreach ($file in Get-ChildItem "$Root/tests" -Filter *.Tests.ps1 | Sort-Object Name) {
        $result = Invoke-PesterFile $file.FullName ($Exclude -join ',') $Results
        if ($result.ContainsKey('Problem')) {
            $run.Failed++
            $run.Problems.Add("$($result.File): $($result.Problem)")
            continue
        }
        foreach ($key in 'Passed', 'Failed', 'Contract', 'Lab') { $run[$key] += $result[$key] }
        $run.Skipped += $result.Skipped + $result.Inconclusive
        foreach ($name in @($result.FailedNames)) { $run.Problems.Add("$($result.File): failed: $name") }
        foreach ($name in @($result.SkippedNames) + @($result.InconclusiveNames)) { $run.Problems.Add("$($result.File): skipped: $name") }
    }
    $run
}

# Fewer tests than the recorded floor means tests were lost (a file not discovered, a data-driven case gone): CI
# fails. Adding tests is free; raise the floor in tests/test-counts.json with them.
function Test-CountFloor($Runs, [bool] $WithLab) {
    $floors = Get-Content -Raw "$Root/tests/test-counts.json" | ConvertFrom-Json -AsHashtable
    $xunit, $pester = $Runs
    $checks = [ordered]@{
        'xunit'  = @(($xunit.Passed + $xunit.Failed), $floors.xunit)
        'Pester' = @(($pester.Passed + $pester.Failed - $pester.Lab), $floors.pester)
    }
    if ($WithLab) { $checks['Pester (Lab)'] = @($pester.Lab, $floors.pesterLab) }
    foreach ($check in $checks.GetEnumerator()) {
        $count, $floor = $check.Value
        if ($count -lt $floor) { "$($check.Key): $count tests ran, fewer than the floor of $floor in tests/test-counts.json" }
        elseif ($count -gt $floor) { Write-Host "$($check.Key): $count tests (floor ${floor}: raise it in tests/test-counts.json)" }
    }
}

function Invoke-Test {
    $clock = [Diagnostics.Stopwatch]::StartNew()
    Build-Module
    $exclude = @($ExcludeTag)
    if (-not (Test-LabPossible)) { $exclude += 'Lab' }
    $withLab = $exclude -notcontains 'Lab'
    if ($withLab) { Install-LabPackage }
    $results = New-Item -ItemType Directory -Force (Join-Path $Output 'test-results')

    $xunit = Invoke-XunitRun $results
    # Pester runs in fresh processes, importing the built module as a user would.
    Build-Lab
    try { $pester = Invoke-PesterRun $exclude $results }
    # The Lab files each start a fresh lab; nothing of it outlives the run.
    finally { if ($withLab) { Stop-Lab } }

    $problems = @($xunit.Problems) + @($pester.Problems) + @(Test-CountFloor @($xunit, $pester) $withLab)
    # On root Linux with the lab nothing may skip; elsewhere the Lab tests are left out by tag, not skipped.
    Write-Host ''
    foreach ($run in $xunit, $pester) {
        Write-Host ("{0}: {1} passed ({2} contract pins, {3} lab), {4} failed, {5} skipped" -f $run.Name, $run.Passed, $run.Contract, $run.Lab, $run.Failed, $run.Skipped)
    }
    foreach ($problem in $problems) { Write-Host "  problem: $problem" }
    $passed = $xunit.Passed + $pester.Passed
    $failed = $xunit.Failed + $pester.Failed
    Write-Host ("Test took {0:N1} min" -f $clock.Elapsed.TotalMinutes)
    Write-Host "$passed passed, $failed failed"
    if ($failed -gt 0 -or $problems.Count -gt 0) { exit 1 }
}

function Invoke-Rehearsal {
    Build-Module
    Install-LabPackage
    Build-Lab
    & $ChildPwsh[0] @($ChildPwsh | Select-Object -Skip 1) -NoProfile -File "$Root/tools/Invoke-Rehearsal.ps1" -ModulePath $ModuleOut
    if ($LASTEXITCODE -ne 0) { exit 1 }
}

# Every benchmark with the lab up (they measure from its admin namespace); a benchmark whose goal is not met exits
# non-zero, and so does this task.
function Invoke-Benchmark {
    Build-Module
    Assert-LabPossible
    Install-LabPackage
    Build-Lab
    $missed = @()
    try {
        Start-Lab | Out-Null
        foreach ($script in Get-ChildItem "$Root/benchmarks" -Filter *.Benchmark.ps1 | Sort-Object Name) {
            & $ChildPwsh[0] @($ChildPwsh | Select-Object -Skip 1) -NoProfile -File $script.FullName -ModulePath $ModuleOut
            if ($LASTEXITCODE -ne 0) { $missed += $script.Name }
        }
    }
    finally { Stop-Lab }
    if ($missed) { Write-Host "Goals not met: $($missed -join ', ')"; exit 1 }
}

switch ($Task) {
    'Build' { Build-Module }
    'Test' { Invoke-Test }
    'Rehearsal' { Invoke-Rehearsal }
    'LabUp' { Assert-LabPossible; Install-LabPackage; Build-Lab; Write-Host (Invoke-Lab up) }
    'LabDown' { Assert-LabPossible; Build-Lab; Stop-Lab }
    'LabStatus' { Assert-LabPossible; Build-Lab; Write-Host (Invoke-Lab status) }
    'Benchmark' { Invoke-Benchmark }
    'Clean' {
        Remove-Item $Output -Recurse -Force -ErrorAction Ignore
        Get-ChildItem $Root -Directory -Recurse -Include bin, obj | Remove-Item -Recurse -Force
    }
}
