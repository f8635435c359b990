<#
.SYNOPSIS
    Prints cold and warm Get-CarpStatus medians for the lab's pair beside two sequential OpenSSH runs of the same commands.
.DESCRIPTION
    Runs in the rehearsal lab's admin namespace (it re-launches itself there), as an operator's laptop would.
    - cold: the first Get-CarpStatus of a new session (SSH connect, key exchange and login to both firewalls, in parallel);
    - warm: later Get-CarpStatus calls on the same session (one exec per firewall on the pooled connections, in parallel);
    - ssh:  `ssh fw1 <commands>; ssh fw2 <commands>` with OpenSSH, the same batched command text, one after the other.
    Goals (issue 3): warm median < 50 ms, cold < 400 ms, both faster than the two ssh runs.
    Run: dotnet pwsh ./build.ps1 Benchmark (lab up, as root), or this script with -ModulePath output/HaEdge.
#>
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../output/HaEdge'),
    [int] $Runs = 10,
    # Set when the script has re-launched itself inside the admin namespace.
    [switch] $InNamespace
)
$ErrorActionPreference = 'Stop'
. (Join-Path $PSScriptRoot '../tests/support/Lab.ps1')
. (Join-Path $PSScriptRoot '../tests/support/Engine.ps1')
$StateDir = $LabStateDir
if (-not (Test-Path "$StateDir/edge.json")) { throw 'The rehearsal lab is not up: run dotnet pwsh ./build.ps1 Benchmark (as root), which brings it up.' }
$manifest = (Resolve-Path (Join-Path $ModulePath 'HaEdge.psd1')).Path
if (-not $InNamespace) {
    exit (Invoke-InLabNamespace -Script $PSCommandPath -Parameters @{ ModulePath = $ModulePath; Runs = $Runs })
}

Import-Module $manifest
Import-LabEnvironment

function Measure-Ms([scriptblock] $Action) {
    $clock = [Diagnostics.Stopwatch]::StartNew()
    & $Action | Out-Null
    $clock.Elapsed.TotalMilliseconds
}

function Get-Median([double[]] $Samples) {
    $sorted = $Samples | Sort-Object
    $sorted[[int][math]::Floor($sorted.Count / 2)]
}

# JIT and SSH.NET loading are the module's first-use costs, not a session's: pay them once outside the figures.
$session = Connect-HaEdge -Path "$StateDir/edge.json"
Get-CarpStatus -Session $session | Out-Null
Disconnect-HaEdge -Session $session -Confirm:$false

$cold = [Collections.Generic.List[double]]::new()
$warm = [Collections.Generic.List[double]]::new()
$floor = [Collections.Generic.List[double]]::new()
foreach ($run in 1..$Runs) {
    # -SkipCheck: the cold figure includes opening both SSH connections, which Connect-HaEdge's check would do first.
    $session = Connect-HaEdge -Path "$StateDir/edge.json" -SkipCheck
    $cold.Add((Measure-Ms { Get-CarpStatus -Session $session -ErrorAction Stop }))
    foreach ($call in 1..3) { $warm.Add((Measure-Ms { Get-CarpStatus -Session $session -ErrorAction Stop })) }
    # The floor the warm figure is held to: one exec of `true` per firewall on the same pooled connections, in parallel.
    $targets = foreach ($firewall in $session.Definition.Firewalls) { Get-CoreInternal $session SshTargetOf $firewall }
    $ssh = Get-CoreInternal $session Ssh
    foreach ($call in 1..3) {
        $floor.Add((Measure-Ms {
            $runs = foreach ($target in $targets) { $ssh.RunAsync($target, 'true', [timespan]'0:0:10', [Threading.CancellationToken]::None) }
            [Threading.Tasks.Task]::WhenAll([Threading.Tasks.Task[]] $runs).GetAwaiter().GetResult()
        }))
    }
    Disconnect-HaEdge -Session $session -Confirm:$false
}

# The very command text the module sends, from the same code.
$command = Get-CoreStatic HaEdge.Core.PfSense.CommandBatch Join -ArgumentList (, [string[]] @('ifconfig', 'sysctl net.inet.carp'))
$definition = Get-Content -Raw "$StateDir/edge.json" | ConvertFrom-Json
$sshArgs = foreach ($firewall in $definition.firewalls) {
    , @('-i', (Join-Path $StateDir $firewall.ssh.keyFile), '-o', "UserKnownHostsFile=$StateDir/keys/known_hosts", '-o', 'StrictHostKeyChecking=yes',
        '-o', 'BatchMode=yes', '-p', "$($firewall.ssh.port)", "$($firewall.ssh.user)@$($firewall.ssh.host)", $command)
}
$ssh = foreach ($run in 1..$Runs) {
    Measure-Ms {
        foreach ($arguments in $sshArgs) {
            & ssh @arguments 2>$null | Out-Null
            if ($LASTEXITCODE -ne 0) { throw "ssh $($arguments[-2]) failed with exit code $LASTEXITCODE" }
        }
    }
}

$figures = [ordered]@{
    'Get-CarpStatus cold (new session, both firewalls)' = Get-Median $cold
    'Get-CarpStatus warm (pooled, both firewalls)'      = Get-Median $warm
    'OpenSSH ssh fw1; ssh fw2 (same commands)'          = Get-Median $ssh
    'floor: `true` on both pooled connections, parallel' = Get-Median $floor
}
"Get-CarpStatus on the lab pair, medians of $Runs runs ($($warm.Count) warm calls), PowerShell $($PSVersionTable.PSVersion):"
foreach ($entry in $figures.GetEnumerator()) { '  {0,-52} {1,9:N1} ms' -f $entry.Key, $entry.Value }
'  the module over the floor (warm minus floor): {0:N1} ms' -f ($figures[1] - $figures[3])
$goals = [ordered]@{ 'warm < 50 ms' = $figures[1] -lt 50; 'cold < 400 ms' = $figures[0] -lt 400; 'both below the two ssh runs' = $figures[0] -lt $figures[2] -and $figures[1] -lt $figures[2] }
'  goals: ' + (($goals.GetEnumerator() | ForEach-Object { "$($_.Key): $(if ($_.Value) { 'met' } else { 'NOT met' })" }) -join ', ')
if ($goals.Values -contains $false) { exit 1 }
