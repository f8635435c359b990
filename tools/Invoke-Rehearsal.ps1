<#
.SYNOPSIS
    The README's main job: bring the rehearsal lab up, run a failover rehearsal on it from the lab's admin
    workstation, print the result including the outage, and take the lab down again.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    # The release the lab plays (tests/support/Lab.ps1 Start-Lab).
    [string] $LabProfile = 'default'
)
$ErrorActionPreference = 'Stop'
$env:HAEDGE_MODULE_PATH = $ModulePath
. (Join-Path $PSScriptRoot '../tests/support/Lab.ps1')

try {
    Write-Host "Bringing the rehearsal lab up (profile $LabProfile)..."
    $clock = [Diagnostics.Stopwatch]::StartNew()
    Start-Lab -Profile $LabProfile | Out-Null
    Write-Host ('Lab ready in {0:N1} s.' -f $clock.Elapsed.TotalSeconds)

    Write-Host "`nThe edge, as the module sees it from the lab's admin workstation:"
    Invoke-InLabAdmin {
        Test-HaEdgeConnection | Format-Table -AutoSize | Out-String -Width 160
        Get-HaEdgeVm | Format-Table -AutoSize | Out-String -Width 160
        Get-CarpStatus | Format-Table -AutoSize | Out-String -Width 160
        Get-PfsyncStatus | Format-Table -AutoSize | Out-String -Width 160
        Test-HaEdge | Format-List | Out-String -Width 160
    } | Write-Host

    Write-Host 'Failover rehearsal: hard stop of the MASTER firewall VM through the Proxmox API, then failback...'
    # The admin namespace's own console is not ours: the result comes back as text and as verdicts.
    $run = Invoke-InLabAdmin {
        $results = Test-HaFailover -Scenario HardStop -Confirm:$false
        [pscustomobject]@{
            Text     = $results | Format-List Scenario, Passed, Reasons, NewMaster, VipMovedAfter, Outage, ProbeLoss, SessionSurvived,
                StatesBefore, StatesAfter, FailbackOutage, FailbackClean | Out-String -Width 160
            Verdicts = @($results | Select-Object Scenario, Passed)
        }
    }
    Write-Host $run.Text
    $failed = @($run.Verdicts | Where-Object { -not $_.Passed })
    Write-Host $(if ($failed) { "Rehearsal FAILED: $($failed.Scenario -join ', ')" } else { 'Rehearsal passed.' })
    if ($failed) { exit 1 }
}
finally {
    Write-Host 'Taking the lab down...'
    Invoke-Lab down | Out-Null
}
