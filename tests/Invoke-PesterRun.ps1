# Runs ONE Pester test file in this fresh process (build.ps1 Test starts one per file, so nothing a file imports,
# sets or leaves running can reach the next) and writes what happened as JSON: counts, and the names of every test
# that did not pass. Output is Detailed, a line per test, so the parent sees progress and can enforce a time limit.
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
$configuration.Output.Verbosity = 'Detailed'
$result = Invoke-Pester -Configuration $configuration

$names = { param($Tests) @($Tests | ForEach-Object { $_.ExpandedPath }) }
# Each failed test with the first of its errors (build.ps1 puts the message on one line for the summary).
$failures = { param($Items) @($Items | ForEach-Object { [ordered]@{ Name = $_.ExpandedPath; Message = "$(@($_.ErrorRecord)[0].Exception.Message)" } }) }
# A test's own tags and every enclosing block's.
function Get-AllTag($Test) {
    $Test.Tag
    for ($block = $Test.Block; $block; $block = $block.Parent) { $block.Tag }
}
$run = @($result.Tests | Where-Object { $_.ShouldRun })
[ordered]@{
    File         = Split-Path -Leaf $TestPath
    Passed       = $result.PassedCount
    # A failed BeforeAll or discovery counts: the tests it held never ran.
    Failed       = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
    Skipped      = $result.SkippedCount
    Inconclusive = $result.InconclusiveCount
    # Contract pins restate declarations (parameters, output types); reported apart from behaviour tests.
    Contract     = @($run | Where-Object { (Get-AllTag $_) -contains 'Contract' } | Where-Object Result -EQ 'Passed').Count
    Lab          = @($run | Where-Object { (Get-AllTag $_) -contains 'Lab' }).Count
    FailedTests  = @(& $failures $result.Failed)
    FailedNames  = @($result.FailedBlocks | ForEach-Object { "$($_.ExpandedPath) (block)" }) + @($result.FailedContainers | ForEach-Object { "$($_.Item) (container)" })
    SkippedNames = @(& $names $result.Skipped)
    InconclusiveNames = @(& $names $result.Inconclusive)
} | ConvertTo-Json -Depth 3 | Set-Content $ResultPath
