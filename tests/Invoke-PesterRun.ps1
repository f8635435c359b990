# Runs the Pester suite in its own process (build.ps1 Test starts it) and writes the pass/fail counts as JSON.
param(
    [Parameter(Mandatory)] [string] $PesterPath,
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $TestPath,
    [Parameter(Mandatory)] [string] $ResultPath,
    # Comma-separated: an empty list must survive the trip through a child process's command line.
    [string] $ExcludeTag = ''
)
$ErrorActionPreference = 'Stop'
Import-Module $PesterPath -Force
$env:HAEDGE_MODULE_PATH = $ModulePath

$configuration = New-PesterConfiguration
$configuration.Run.Path = $TestPath
$configuration.Run.PassThru = $true
$configuration.Filter.ExcludeTag = @($ExcludeTag -split ',' | Where-Object { $_ })
$configuration.Output.Verbosity = 'Normal'
$result = Invoke-Pester -Configuration $configuration

@{ Passed = $result.PassedCount; Failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount } |
    ConvertTo-Json | Set-Content $ResultPath
