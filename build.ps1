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

# A fresh process of this same PowerShell (the pinned dotnet tool runs as 'dotnet pwsh.dll').
$ChildPwsh = @((Get-Process -Id $PID).Path) + @(if ((Split-Path -Leaf (Get-Process -Id $PID).Path) -like 'dotnet*') { Join-Path $PSHOME 'pwsh.dll' })

function Invoke-Native {
    param([string] $File, [string[]] $Arguments)
    & $File @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$File $($Arguments -join ' ') failed with exit code $LASTEXITCODE" }
}

function Invoke-Build {
    $publish = Join-Path $Output 'publish'
    Remove-Item $publish, $ModuleOut -Recurse -Force -ErrorAction Ignore
    Invoke-Native dotnet @('publish', "$Root/src/HaEdge/HaEdge.csproj", '-c', $Configuration, '-o', "$publish/module", '--nologo', '-v', 'q')
    Invoke-Native dotnet @('publish', "$Root/src/HaEdge.Ssh/HaEdge.Ssh.csproj", '-c', $Configuration, '-o', "$publish/ssh", '--nologo', '-v', 'q')

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

function Test-LabPossible {
    $IsLinux -and ((& id -u) -eq '0')
}

function Install-LabPackage {
    if (Test-LabPossible) { Invoke-Native bash @("$Root/scripts/lab-packages.sh") }
}

# The lab program, built once per build into output/lab; tests find it through HAEDGE_LAB_BIN.
function Build-Lab {
    $out = Join-Path $Output 'lab'
    Invoke-Native dotnet @('build', $LabProject, '-c', $Configuration, '-o', $out, '--nologo', '-v', 'q')
    $env:HAEDGE_LAB_BIN = Join-Path $out 'haedge-lab.dll'
}

function Invoke-Lab {
    param([string[]] $Arguments)
    if (-not (Test-LabPossible)) { throw 'The rehearsal lab needs Linux and root (it builds network namespaces).' }
    if (-not $env:HAEDGE_LAB_BIN) { Build-Lab }
    Invoke-Native dotnet (@($env:HAEDGE_LAB_BIN) + $Arguments)
}

function Invoke-Test {
    Invoke-Build
    if ($ExcludeTag -notcontains 'Lab') { Install-LabPackage }
    $results = New-Item -ItemType Directory -Force (Join-Path $Output 'test-results')

    # xunit: counts come from the TRX file, so the closing line covers both runners.
    $trx = Join-Path $results 'core.trx'
    Remove-Item $trx -ErrorAction Ignore
    & dotnet test "$Root/tests/HaEdge.Core.Tests/HaEdge.Core.Tests.csproj" -c $Configuration --nologo `
        --logger "trx;LogFileName=$trx" --logger 'console;verbosity=minimal'
    $xunit = @{ Passed = 0; Failed = 1 }
    if (Test-Path $trx) {
        $counters = ([xml](Get-Content -Raw $trx)).TestRun.ResultSummary.Counters
        $xunit = @{ Passed = [int]$counters.passed; Failed = [int]$counters.failed + [int]$counters.error + [int]$counters.timeout }
    }

    # Pester runs in a fresh process, importing the built module as a user would.
    $exclude = @($ExcludeTag)
    if (-not (Test-LabPossible)) { $exclude += 'Lab' }
    $withLab = $exclude -notcontains 'Lab'
    if ($withLab) { Build-Lab }
    $pesterJson = Join-Path $results 'pester.json'
    Remove-Item $pesterJson -ErrorAction Ignore
    & $ChildPwsh[0] @($ChildPwsh | Select-Object -Skip 1) -NoProfile -File "$Root/tests/Invoke-PesterRun.ps1" -PesterPath (Get-Pester) `
        -ModulePath $ModuleOut -TestPath "$Root/tests" -ExcludeTag ($exclude -join ',') -ResultPath $pesterJson
    $pester = @{ Passed = 0; Failed = 1 }
    if (Test-Path $pesterJson) { $pester = Get-Content -Raw $pesterJson | ConvertFrom-Json -AsHashtable }
    # The Lab tests share one lab (each file brings it up, idempotently); nothing of it outlives the run.
    if ($withLab) { Invoke-Lab @('down') }

    $passed = $xunit.Passed + $pester.Passed
    $failed = $xunit.Failed + $pester.Failed
    Write-Host "xunit: $($xunit.Passed) passed, $($xunit.Failed) failed; Pester: $($pester.Passed) passed, $($pester.Failed) failed"
    Write-Host "$passed passed, $failed failed"
    if ($failed -gt 0) { exit 1 }
}

function Invoke-Rehearsal {
    Invoke-Build
    Install-LabPackage
    Build-Lab
    & $ChildPwsh[0] @($ChildPwsh | Select-Object -Skip 1) -NoProfile -File "$Root/tools/Invoke-Rehearsal.ps1" -ModulePath $ModuleOut
    if ($LASTEXITCODE -ne 0) { exit 1 }
}

switch ($Task) {
    'Build' { Invoke-Build }
    'Test' { Invoke-Test }
    'Rehearsal' { Invoke-Rehearsal }
    'LabUp' { Install-LabPackage; Invoke-Lab @('up') }
    'LabDown' { Invoke-Lab @('down') }
    'LabStatus' { Invoke-Lab @('status') }
    'Benchmark' {
        Invoke-Build
        Get-ChildItem "$Root/benchmarks" -Filter *.ps1 | ForEach-Object { & $_.FullName -ModulePath $ModuleOut }
    }
    'Clean' {
        Remove-Item $Output -Recurse -Force -ErrorAction Ignore
        Get-ChildItem $Root -Directory -Recurse -Include bin, obj | Remove-Item -Recurse -Force
    }
}
