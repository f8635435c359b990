#Requires -Version 7.2
<#
.SYNOPSIS
    Builds, tests and rehearses HaEdge. Run it through the pinned PowerShell: dotnet tool restore && dotnet pwsh ./build.ps1 <Task>

.DESCRIPTION
    Tasks:
      Build      the module laid out in output/HaEdge, ready for Import-Module (help compiled from docs/).
      Test       Build, then xunit (HaEdge.Core) and Pester (the cmdlets; Lab-tagged tests when root on Linux, which
                 installs the lab's Debian packages first). Each Pester file runs in a fresh process; the files that
                 use the lab run one after another while xunit and the others run beside them. Ends with one line
                 'N passed, N failed' and exits non-zero on any failure; a crash, a hang (-> $TestTimeLimit), a
                 skipped test or a test count below tests/test-counts.json each counts as a failure.
      Rehearsal  The main job: Build, bring the lab up, run a failover rehearsal on it, print the result, take it down.
                 -LabProfile plays another release: pfsense-2.7.0, pfsense-2.8 or pve-8 (default: CE 2.7.2 on PVE 9).
      LabUp / LabDown / LabStatus   The rehearsal lab on its own (root, Linux).
      Package    Build, then the PowerShell Gallery package (output/repository/HaEdge.<version>.nupkg), published with
                 Publish-PSResource into a local file repository; Install-PSResource installs it from there.
      Benchmark  Build, bring the lab up, run every benchmark script in benchmarks/ (each prints its figures and
                 exits non-zero when its goal is missed), take the lab down.
      Clean      Remove output/ and every bin/ and obj/.
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('Build', 'Test', 'Rehearsal', 'LabUp', 'LabDown', 'LabStatus', 'Benchmark', 'Package', 'Clean')]
    [string] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Pester tags to leave out, e.g. -ExcludeTag Lab on a machine where the lab cannot run.
    [string[]] $ExcludeTag = @(),

    # Test: only these Pester files (no xunit, no count floors), e.g. -TestFile tests/Checks.Tests.ps1 while working on one.
    [string[]] $TestFile = @(),

    # Rehearsal: the lab's version profile (docs/compatibility.md says what each plays).
    [ValidateSet('default', 'pfsense-2.7.0', 'pfsense-2.8', 'pve-8')]
    [string] $LabProfile = 'default'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
# From a shell (pwsh -File) a list arrives as one comma-separated string.
$TestFile = @($TestFile | ForEach-Object { $_ -split ',' } | Where-Object { $_ })
$ExcludeTag = @($ExcludeTag | ForEach-Object { $_ -split ',' } | Where-Object { $_ })

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
    # The acceptance suite users run with Pester (Get-HaEdgeAcceptanceTest returns its path) sits beside the manifest.
    Copy-Item "$Root/HaEdge.psd1", "$Root/src/HaEdge/HaEdge.Format.ps1xml", "$Root/src/HaEdge/HaEdge.Acceptance.Tests.ps1" -Destination $ModuleOut
    # The Prometheus alert rules for the module's metrics ship with it, so an installed module has them (about_HaEdgeMonitoring).
    Copy-Item "$Root/docs/monitoring/haedge.rules.yml" -Destination $ModuleOut

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

# One test step in a fresh process (xunit, or one Pester file: nothing it imports, sets or starts reaches the next),
# run in a lane. Its output is shown live, or held and shown in one block when it ends; a step that prints nothing
# for $TestTimeLimit (Pester runs Detailed, a line per test; xunit's blame kills its own hangs) is killed and failed.
function Start-TestStep([hashtable] $Step) {
    $start = [Diagnostics.ProcessStartInfo]::new($Step.Command[0])
    foreach ($argument in @($Step.Command | Select-Object -Skip 1)) { $start.ArgumentList.Add($argument) }
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $start.UseShellExecute = $false
    $process = [Diagnostics.Process]::Start($start)
    $Step.Process = $process
    $Step.Lines = [Collections.Generic.List[string]]::new()
    $Step.Quiet = [Diagnostics.Stopwatch]::StartNew()
    $Step.Reads = @($process.StandardOutput.ReadLineAsync(), $process.StandardError.ReadLineAsync())
    $Step.Streams = @($process.StandardOutput, $process.StandardError)
    $Step.Hung = $false
    if (-not $Step.Live) { Write-Host "(started in the background: $($Step.Name))" }
}

# Moves what the step printed to the host (live) or its buffer; returns true once it has ended.
function Update-TestStep([hashtable] $Step) {
    for ($i = 0; $i -lt 2; $i++) {
        while ($Step.Reads[$i] -and $Step.Reads[$i].IsCompleted) {
            $text = $Step.Reads[$i].Result
            if ($null -eq $text) { $Step.Reads[$i] = $null; break }
            if ($Step.Live) { Write-Host $text } else { $Step.Lines.Add($text) }
            $Step.Quiet.Restart()
            $Step.Reads[$i] = $Step.Streams[$i].ReadLineAsync()
        }
    }
    if (-not $Step.Reads[0] -and -not $Step.Reads[1]) { $Step.Process.WaitForExit(); return $true }
    if ($Step.Quiet.Elapsed -gt $TestTimeLimit) {
        $Step.Hung = $true
        $Step.Process.Kill($true)
        $Step.Process.WaitForExit()
        return $true
    }
    $false
}

# Runs lanes side by side, the steps of each lane one after another: the lab lane live, the others held. The lab's
# tests wait on CARP elections and timers most of the time, so xunit and the tests that need no lab run meanwhile.
function Invoke-TestLanes([object[]] $Lanes) {
    $queues = @($Lanes | ForEach-Object { , [Collections.Generic.Queue[hashtable]]::new([hashtable[]] @($_)) })
    $running = @($null) * $queues.Count
    while ($true) {
        $busy = $false
        for ($i = 0; $i -lt $queues.Count; $i++) {
            if ($running[$i] -and (Update-TestStep $running[$i])) {
                $step = $running[$i]
                if (-not $step.Live) {
                    Write-Host "---- $($step.Name) (ran in the background) ----"
                    $step.Lines | ForEach-Object { Write-Host $_ }
                }
                & $step.Done $step
                $running[$i] = $null
            }
            if (-not $running[$i] -and $queues[$i].Count -gt 0) {
                $running[$i] = $queues[$i].Dequeue()
                Start-TestStep $running[$i]
            }
            $busy = $busy -or $running[$i]
        }
        if (-not $busy) { return }
        Start-Sleep -Milliseconds 50
    }
}

# Failures name the tests that failed; Problems what makes the run itself untrustworthy (a crash, a hang, a skip, a
# count below its floor), each counted as a failure in the closing line.
function New-RunTotal([string] $Name) {
    [ordered]@{
        Name = $Name; Passed = 0; Failed = 0; Skipped = 0; Contract = 0; Lab = 0
        Failures = [Collections.Generic.List[string]]::new(); Problems = [Collections.Generic.List[string]]::new()
    }
}

# A failure's message on one line, short enough for the summary (CI keeps only the end of the output).
function Format-FailureReason([string] $Message) {
    $line = ($Message -replace '\s+', ' ').Trim()
    if ($line.Length -gt 400) { $line.Substring(0, 400) + '...' } else { $line }
}

# xunit over HaEdge.Core (built beforehand). Counted from the TRX file, and never trusted alone: a crashed or hung
# test host can leave a TRX that shows fewer tests and no failure, so a non-zero exit code, an outcome other than
# Completed, or fewer executed than discovered is a failure too.
function New-XunitStep([string] $Results, $Total) {
    $trx = Join-Path $Results 'core.trx'
    Remove-Item $trx -ErrorAction Ignore
    $limit = $TestTimeLimit
    $reason = ${function:Format-FailureReason}
    @{
        Name    = 'xunit (HaEdge.Core)'
        Live    = $false
        # Built here, in its lane, so the lab lane need not wait for it.
        Command = @('dotnet', 'test', "$Root/tests/HaEdge.Core.Tests/HaEdge.Core.Tests.csproj", '-c', $Configuration, '--nologo',
            '--blame-hang', '--blame-hang-timeout', "$([int]$TestTimeLimit.TotalSeconds)s", '--blame-hang-dump-type', 'none',
            '--logger', "trx;LogFileName=$trx", '--logger', 'console;verbosity=minimal')
        Done    = {
            param($Step)
            if ($Step.Hung) { $Total.Problems.Add("xunit printed nothing for $($limit.TotalMinutes) min: killed"); return }
            $exitCode = $Step.Process.ExitCode
            if (-not (Test-Path $trx)) { $Total.Problems.Add("xunit wrote no TRX (dotnet test exit code $exitCode)"); return }
            $run = [xml](Get-Content -Raw $trx)
            $counters = $run.TestRun.ResultSummary.Counters
            $Total.Passed = [int]$counters.passed
            $Total.Failed = [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted
            $Total.Skipped = [int]$counters.notExecuted + [int]$counters.inconclusive + [int]$counters.warning
            if ($exitCode -ne 0) { $Total.Problems.Add("dotnet test exited with $exitCode") }
            if ($run.TestRun.ResultSummary.outcome -ne 'Completed' -and $Total.Failed -eq 0) {
                $Total.Problems.Add("the xunit run's outcome is '$($run.TestRun.ResultSummary.outcome)', not Completed")
            }
            if ([int]$counters.executed -ne [int]$counters.total) { $Total.Problems.Add("xunit: $($counters.executed) of $($counters.total) tests executed") }
            foreach ($result in $run.TestRun.Results.UnitTestResult | Where-Object { $_.testName -and $_.outcome -ne 'Passed' }) {
                if ($result.outcome -eq 'Failed') { $Total.Failures.Add("xunit: $($result.testName): $(& $reason $result.Output.ErrorInfo.Message)") }
                else { $Total.Problems.Add("xunit: $($result.outcome): $($result.testName)") }
            }
        }.GetNewClosure()
    }
}

# One Pester file through tests/Invoke-PesterRun.ps1, which writes its counts and the names of what did not pass.
function New-PesterStep([string] $File, [string] $Exclude, [string] $Results, [bool] $Live, $Total) {
    $json = Join-Path $Results ([IO.Path]::GetFileNameWithoutExtension($File) + '.json')
    Remove-Item $json -ErrorAction Ignore
    $name = Split-Path -Leaf $File
    $limit = $TestTimeLimit
    $reason = ${function:Format-FailureReason}
    @{
        Name    = $name
        Live    = $Live
        Command = @($ChildPwsh) + @('-NoProfile', '-NonInteractive', '-File', "$Root/tests/Invoke-PesterRun.ps1",
            '-PesterPath', (Get-Pester), '-ModulePath', $ModuleOut, '-TestPath', $File, '-ExcludeTag', $Exclude, '-ResultPath', $json)
        Done    = {
            param($Step)
            $problem = if ($Step.Hung) { "no test finished within $($limit.TotalMinutes) min: killed" }
            elseif (-not (Test-Path $json)) { "ended (exit code $($Step.Process.ExitCode)) without a result: crashed" }
            if ($problem) { $Total.Problems.Add("${name}: $problem"); return }
            $result = Get-Content -Raw $json | ConvertFrom-Json -AsHashtable
            foreach ($key in 'Passed', 'Failed', 'Contract', 'Lab') { $Total[$key] += $result[$key] }
            $Total.Skipped += $result.Skipped + $result.Inconclusive
            foreach ($test in @($result.FailedTests)) { $Total.Failures.Add("${name}: $($test.Name)$(if ($test.Message) { ': ' + (& $reason $test.Message) })") }
            foreach ($block in @($result.FailedNames)) { $Total.Failures.Add("${name}: $block") }
            foreach ($test in @($result.SkippedNames) + @($result.InconclusiveNames)) { $Total.Problems.Add("${name}: skipped: $test") }
        }.GetNewClosure()
    }
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
    Build-Lab

    # Two lanes: the files that bring the lab up, one after another (they share it), shown live; beside them xunit
    # and the files that need no lab. Pester files run in fresh processes, importing the built module as a user would.
    $xunit = New-RunTotal 'xunit'
    $pester = New-RunTotal 'Pester'
    $files = if ($TestFile) { Get-Item $TestFile } else { Get-ChildItem "$Root/tests" -Filter *.Tests.ps1 | Sort-Object Name }
    # A file with lab instances of its own (it sets HAEDGE_LAB_PREFIX, or calls Use-LabInstance) runs beside the
    # shared lab, in the other lane.
    $usesLab = { param($file) $text = Get-Content -Raw $file.FullName; $text -match '\bStart-Lab\b' -and $text -notmatch '\bHAEDGE_LAB_PREFIX\b|\bUse-LabInstance\b' }
    $labLane = @($files | Where-Object { & $usesLab $_ } | ForEach-Object { New-PesterStep $_.FullName ($exclude -join ',') $results $true $pester })
    $otherLane = @(if (-not $TestFile) { New-XunitStep $results $xunit }) + @($files | Where-Object { -not (& $usesLab $_) } |
            ForEach-Object { New-PesterStep $_.FullName ($exclude -join ',') $results $false $pester })
    try { Invoke-TestLanes (@(, $labLane) + @(, $otherLane)) }
    # Each lab file starts a fresh lab; nothing of it outlives the run.
    finally { if ($withLab) { Stop-Lab } }

    $problems = @($xunit.Problems) + @($pester.Problems) + @(if (-not $TestFile) { Test-CountFloor @($xunit, $pester) $withLab })
    # On root Linux with the lab nothing may skip; elsewhere the Lab tests are left out by tag, not skipped.
    Write-Host ''
    foreach ($run in $xunit, $pester) {
        Write-Host ("{0}: {1} passed ({2} contract pins, {3} lab), {4} failed, {5} skipped" -f $run.Name, $run.Passed, $run.Contract, $run.Lab, $run.Failed, $run.Skipped)
    }
    foreach ($failure in @($xunit.Failures) + @($pester.Failures)) { Write-Host "  failed: $failure" }
    foreach ($problem in $problems) { Write-Host "  problem: $problem" }
    $passed = $xunit.Passed + $pester.Passed
    $failed = $xunit.Failed + $pester.Failed + $problems.Count
    Write-Host ("Test took {0:N1} min" -f $clock.Elapsed.TotalMinutes)
    Write-Host "$passed passed, $failed failed"
    if ($failed -gt 0) { exit 1 }
}

function Invoke-Rehearsal {
    Build-Module
    Install-LabPackage
    Build-Lab
    & $ChildPwsh[0] @($ChildPwsh | Select-Object -Skip 1) -NoProfile -File "$Root/tools/Invoke-Rehearsal.ps1" -ModulePath $ModuleOut -LabProfile $LabProfile
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

# Package: the PowerShell Gallery package, HaEdge.<version>.nupkg, published with Publish-PSResource into the local
# file repository output/repository (Install-PSResource installs from it once registered with -Uri). It holds the
# built module (help and format file included) and the licence, nothing of the build, tests or lab. The publishing
# runs in its own process, which leaves the user's registered PSResourceGet repositories alone.
function Invoke-Package {
    Build-Module
    Invoke-Native $ChildPwsh[0] (@($ChildPwsh | Select-Object -Skip 1) + @('-NoProfile', '-File', "$Root/tools/Publish-Package.ps1",
            '-ModulePath', $ModuleOut, '-LicensePath', "$Root/LICENSE", '-RepositoryPath', (Join-Path $Output 'repository')))
}

switch ($Task) {
    'Build' { Build-Module }
    'Test' { Invoke-Test }
    'Rehearsal' { Invoke-Rehearsal }
    'LabUp' { Assert-LabPossible; Install-LabPackage; Build-Lab; Write-Host (Invoke-Lab up) }
    'LabDown' { Assert-LabPossible; Build-Lab; Stop-Lab }
    'LabStatus' { Assert-LabPossible; Build-Lab; Write-Host (Invoke-Lab status) }
    'Benchmark' { Invoke-Benchmark }
    'Package' { Invoke-Package }
    'Clean' {
        Remove-Item $Output -Recurse -Force -ErrorAction Ignore
        Get-ChildItem $Root -Directory -Recurse -Include bin, obj | Remove-Item -Recurse -Force
    }
}
