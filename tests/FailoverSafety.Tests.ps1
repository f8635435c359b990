#Requires -Modules Pester
# Test-HaFailover interrupted on the rehearsal lab, in every scenario and WanPull method (Ctrl+C in each phase, Ctrl+C
# during the undo and a second one, its SSH connections killed, a Proxmox API error, a restore script that throws or
# overruns its deadline): when the run returns, the edge is whole again (both VMs running, maintenance off, one MASTER
# per VIP, every gateway online, the default route back on the fibre), or the run says exactly what is left.
BeforeDiscovery {
    $script:LabPossible = $IsLinux -and ((& id -u) -eq '0')
}

Describe 'Test-HaFailover interrupted on the rehearsal lab' -Tag Lab -Skip:(-not $LabPossible) {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'support/Lab.ps1')
        Start-Lab | Out-Null
        $script:InjectFile = Join-Path $LabStateDir 'pve/inject.json'
        $script:LabDll = (Get-LabLauncher)[1]

        # Runs Test-HaFailover in a second runspace of the admin-namespace process and, once its progress shows
        # $Phase (and, with $WhenVm, once fw1's VM has that status), interrupts it: PowerShell's Stop() (what Ctrl+C
        # does), two of them, or killing the SSH connections fw2 serves. Returns what happened and the edge as the
        # run left it, read right after it returned.
        function Invoke-InterruptedFailover {
            param(
                [Parameter(Mandatory)] [string] $Scenario,
                [string] $Phase = '^Baseline',
                [Parameter(Mandatory)] [ValidateSet('StopProcessing', 'StopTwice', 'KillSsh', 'None')] [string] $Interrupt,
                [string] $WhenVm,
                # More Test-HaFailover parameters, as PowerShell text.
                [string] $Arguments = '',
                # Run Test-HaFailover in a session whose language mode is ConstrainedLanguage (after the module loads).
                [switch] $ConstrainedLanguage,
                # StopTwice: a file the restore script adds a line to each time it starts; the second Ctrl+C is
                # pressed once it has started twice (the restore path's own run), so it lands in the clean-up.
                [string] $RestoreStarts
            )
            Invoke-InLabAdmin {
                param($Scenario, $Phase, $Interrupt, $WhenVm, $Arguments, $StateDir, $ConstrainedLanguage, $RestoreStarts)
                $manifest = Join-Path (Get-Module HaEdge).ModuleBase 'HaEdge.psd1'
                $runspace = [runspacefactory]::CreateRunspace()
                $runspace.Open()
                $run = [powershell]::Create()
                $run.Runspace = $runspace
                $null = $run.AddScript(@"
`$ErrorActionPreference = 'Stop'
Import-Module '$manifest'
Connect-HaEdge '$StateDir/edge.json' | Out-Null
$(if ($ConstrainedLanguage) { "`$ExecutionContext.SessionState.LanguageMode = 'ConstrainedLanguage'" })
Test-HaFailover -Scenario $Scenario -ProbeInterval 0:0:0.1 -Baseline 1 -Settle 0:0:1 -Confirm:`$false $Arguments
"@)
                $async = $run.BeginInvoke()
                $deadline = [DateTime]::UtcNow.AddSeconds(180)
                $seen = $null
                while (-not $async.IsCompleted -and [DateTime]::UtcNow -lt $deadline -and $Interrupt -ne 'None') {
                    $seen = @($run.Streams.Progress | Where-Object StatusDescription -Match $Phase)[0]
                    if ($seen) { break }
                    Start-Sleep -Milliseconds 20
                }

                $vmAtInterrupt = $null
                $killed = $null
                $startsAtSecondStop = $null
                $secondLanded = $null
                if ($seen) {
                    while ($true) {
                        $vmAtInterrupt = "$((Get-HaEdgeVm | Where-Object Firewall -EQ 'fw1').Status)"
                        if (-not $WhenVm -or $vmAtInterrupt -eq $WhenVm -or [DateTime]::UtcNow -ge $deadline) { break }
                        Start-Sleep -Milliseconds 100
                    }
                    switch ($Interrupt) {
                        # Returns once the cmdlet has returned: after its clean-up.
                        'StopProcessing' { $run.Stop() }
                        # Ctrl+C pressed again while the first one's clean-up runs.
                        'StopTwice' {
                            $first = $run.BeginStop($null, $null)
                            while (@(Get-Content $RestoreStarts -ErrorAction Ignore).Count -lt 2 -and -not $first.IsCompleted -and [DateTime]::UtcNow -lt $deadline) {
                                Start-Sleep -Milliseconds 20
                            }
                            $startsAtSecondStop = @(Get-Content $RestoreStarts -ErrorAction Ignore).Count
                            $secondLanded = -not $first.IsCompleted
                            $run.BeginStop($null, $null) | Out-Null
                            $run.EndStop($first)
                        }
                        'KillSsh' {
                            # fw2's sshd listener forks one process per connection: killing those drops the module's
                            # pooled connection, as a stateful middlebox or a restart would. (fw1's may be powered off.)
                            & pkill -P (Get-Content "$StateDir/fw2/sshd.pid")
                            $killed = $LASTEXITCODE -eq 0
                        }
                    }
                }

                $results = @()
                $failure = $null
                try { $results = @($run.EndInvoke($async)) }
                catch { $failure = if ($_.Exception.InnerException) { $_.Exception.InnerException } else { $_.Exception } }
                $progress = @($run.Streams.Progress.StatusDescription | Select-Object -Unique)
                $run.Dispose()
                $runspace.Dispose()

                # The edge right after the run returned, read by this process's own session.
                $vms = @(Get-HaEdgeVm | ForEach-Object { "$($_.Status)" })
                $carp = @(Get-CarpStatus)
                $gateways = @(Get-PfGateway)
                [pscustomobject]@{
                    PhaseSeen     = [bool] $seen
                    Progress      = $progress -join ' | '
                    Killed        = $killed
                    StartsAtSecondStop = $startsAtSecondStop
                    SecondStopLanded   = $secondLanded
                    VmAtInterrupt = $vmAtInterrupt
                    Failure       = if ($failure) { "$($failure.GetType().Name): $($failure.Message)" }
                    FailureId     = if ($failure -is [Management.Automation.IContainsErrorRecord]) { $failure.ErrorRecord.FullyQualifiedErrorId }
                    Results       = @($results | ForEach-Object { [pscustomobject]@{ Passed = $_.Passed; Error = $_.Error; Reasons = @($_.Reasons) } })
                    VmStatus      = $vms
                    Maintenance   = @($carp | Where-Object Maintenance).Count
                    MastersPerVip = @($carp | Group-Object Vhid | ForEach-Object { @($_.Group | Where-Object { "$($_.State)" -eq 'Master' }).Count })
                    VipRows       = $carp.Count
                    Firewalls     = @($carp.Firewall | Sort-Object -Unique)
                    NotSettled    = @($carp | Where-Object { "$($_.State)" -notin 'Master', 'Backup' }).Count
                    GatewaysDown  = @($gateways | Where-Object { "$($_.Health)" -notin 'Online', 'Warning' } | ForEach-Object { "$($_.Name) on $($_.Firewall)" })
                    # Right after a failback the old MASTER may still count itself MASTER until it hears the next
                    # advertisement: whoever does, its default route is the one that must be back on the fibre.
                    MasterRoute   = @($gateways | Where-Object { $_.IsMaster -and $_.DefaultRoute } | ForEach-Object Name | Sort-Object -Unique)
                }
            } -ArgumentList $Scenario, $Phase, $Interrupt, $WhenVm, $Arguments, $LabStateDir, $ConstrainedLanguage.IsPresent, $RestoreStarts
        }

        # Why a run did not get where the test needed it: its error and the progress it showed.
        function Get-Story($Outcome) { "failure: $($Outcome.Failure); progress: $($Outcome.Progress)" }

        # The edge as it was: both VMs running, both firewalls answering with every VIP MASTER or BACKUP,
        # maintenance off, exactly one MASTER per VIP, every gateway online, the MASTER's route on the fibre.
        function Assert-EdgeRestored($Outcome) {
            $Outcome.VmStatus | Should -Be @('running', 'running') -Because (Get-Story $Outcome)
            $Outcome.Firewalls | Should -Be @('fw1', 'fw2')
            $Outcome.NotSettled | Should -Be 0
            $Outcome.Maintenance | Should -Be 0
            $Outcome.VipRows | Should -Be 6
            $Outcome.MastersPerVip | Should -Be @(1, 1, 1)
            $Outcome.GatewaysDown | Should -BeNullOrEmpty -Because (Get-Story $Outcome)
            $Outcome.MasterRoute | Should -Be 'FIBRE_GW'
        }
    }

    # Every run starts from the healthy edge, whatever the test before it left (a failed test included).
    BeforeEach {
        Reset-Lab
    }

    It 'Ctrl+C <When> leaves the edge restored' -ForEach @(
        @{ When = 'in the HardStop baseline'; Scenario = 'HardStop'; Phase = '^Baseline'; Vm = 'running' }
        @{ When = 'while fw1 is hard-stopped'; Scenario = 'HardStop'; Phase = '^Injecting the fault'; WhenVm = 'stopped'; Vm = 'stopped' }
        @{ When = 'while fw1 restarts and rejoins'; Scenario = 'HardStop'; Phase = '^Waiting for the failback'; Vm = 'running' }
        @{ When = 'while fw1 is in CARP maintenance'; Scenario = 'Maintenance'; Phase = '^Settling \('; Vm = 'running' }
        @{ When = 'while the fibre gateway is forced down (WanPull, the default method)'; Scenario = 'WanPull'; Phase = '^Waiting for the default route'; Vm = 'running' }
        @{ When = 'while fw1''s WAN cable is pulled (WanPull -WanPullMethod LinkDown)'; Scenario = 'WanPull'; Phase = '^Settling \('; Arguments = '-WanPullMethod LinkDown'; Vm = 'running' }
        @{ When = 'while the fibre is forced down and fw1 hard-stopped (Combined)'; Scenario = 'Combined'; Phase = '^Injecting the fault'; WhenVm = 'stopped'; Arguments = '-Force'; Vm = 'stopped' }
    ) {
        $outcome = Invoke-InterruptedFailover -Scenario $Scenario -Phase $Phase -WhenVm $WhenVm -Interrupt StopProcessing -Arguments $Arguments
        $outcome.PhaseSeen | Should -BeTrue -Because "the run should reach '$Phase' ($(Get-Story $outcome))"
        $outcome.VmAtInterrupt | Should -Be $Vm
        $outcome.Failure | Should -Match 'PipelineStopped'
        Assert-EdgeRestored $outcome
    }

    It 'Ctrl+C while the fibre is dead (WanPull through a user script) still runs the restore script' {
        $outcome = Invoke-InterruptedFailover -Scenario WanPull -Phase '^Waiting for the default route' -Interrupt StopProcessing -Arguments (
            "-WanPullMethod UserAction -WanPullScript { & dotnet '$LabDll' fault fibre-dead | Out-Null } " +
            "-WanRestoreScript { & dotnet '$LabDll' heal fibre-dead | Out-Null }")
        $outcome.PhaseSeen | Should -BeTrue -Because "the run should reach the route wait ($(Get-Story $outcome))"
        $outcome.Failure | Should -Match 'PipelineStopped'
        Assert-EdgeRestored $outcome
        Invoke-Lab status | Should -Match 'faults: none'
    }

    It 'Ctrl+C during the undo, pressed twice, still brings the WAN back' {
        # The first Ctrl+C stops the undo's restore script; the restore path runs it again, and the second Ctrl+C
        # lands while that run is under way (the script takes 3 s): the restore still runs to the end.
        $starts = Join-Path $LabStateDir 'restore-starts'
        Remove-Item $starts -ErrorAction Ignore
        $outcome = Invoke-InterruptedFailover -Scenario WanPull -Phase '^Undoing the fault' -Interrupt StopTwice -RestoreStarts $starts -Arguments (
            "-WanPullMethod UserAction -WanPullScript { & dotnet '$LabDll' fault fibre-dead | Out-Null } " +
            "-WanRestoreScript { Add-Content '$starts' 'started'; Start-Sleep -Seconds 3; & dotnet '$LabDll' heal fibre-dead | Out-Null }")
        $outcome.PhaseSeen | Should -BeTrue -Because "the run should reach the undo ($(Get-Story $outcome))"
        $outcome.StartsAtSecondStop | Should -Be 2 -Because 'the second Ctrl+C is pressed while the restore path''s own run of the script is under way'
        $outcome.SecondStopLanded | Should -BeTrue -Because 'the run was still cleaning up when Ctrl+C was pressed again'
        $outcome.Failure | Should -Match 'PipelineStopped'
        Assert-EdgeRestored $outcome
        Invoke-Lab status | Should -Match 'faults: none'
    }

    It 'Ctrl+C in a ConstrainedLanguage session runs the restore script in ConstrainedLanguage too' {
        # The restore script records the language mode it ran in, then heals the fibre.
        $mode = Join-Path $LabStateDir 'restore-language-mode'
        Remove-Item $mode -ErrorAction Ignore
        $outcome = Invoke-InterruptedFailover -Scenario WanPull -Phase '^Waiting for the default route' -Interrupt StopProcessing -Arguments (
            "-WanPullMethod UserAction -WanPullScript { & dotnet '$LabDll' fault fibre-dead | Out-Null } " +
            "-WanRestoreScript { `$ExecutionContext.SessionState.LanguageMode | Out-File '$mode'; & dotnet '$LabDll' heal fibre-dead | Out-Null }") -ConstrainedLanguage
        $outcome.PhaseSeen | Should -BeTrue -Because "the run should reach the route wait ($(Get-Story $outcome))"
        (Get-Content $mode -ErrorAction Ignore) | Should -Be 'ConstrainedLanguage' -Because 'a run cut short must not widen what its scripts may do'
        Assert-EdgeRestored $outcome
    }

    It 'a restore script that throws ends the run with FailoverRestoreIncomplete naming the script''s error and the gateway left down' {
        $outcome = Invoke-InterruptedFailover -Scenario WanPull -Interrupt None -Arguments (
            "-WanPullMethod UserAction -WanPullScript { & dotnet '$LabDll' fault fibre-dead | Out-Null } " +
            "-WanRestoreScript { throw 'the smart plug did not answer' } -RestoreTimeout 0:0:20")
        $outcome.FailureId | Should -Be 'FailoverRestoreIncomplete,HaEdge.Commands.TestHaFailoverCommand' -Because (Get-Story $outcome)
        $outcome.Failure | Should -Match 'Undo did not complete \(the smart plug did not answer\)'
        $outcome.Failure | Should -Match 'Gateway FIBRE_GW of fw1 is down'
        $outcome.GatewaysDown | Should -Contain 'FIBRE_GW on fw1'
    }

    It 'a restore script that overruns -RestoreTimeout is stopped, and the run says what is left' {
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $outcome = Invoke-InterruptedFailover -Scenario WanPull -Interrupt None -Arguments (
            "-WanPullMethod UserAction -WanPullScript { & dotnet '$LabDll' fault fibre-dead | Out-Null } " +
            "-WanRestoreScript { Start-Sleep -Seconds 600 } -RestoreTimeout 0:0:2")
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 300 -Because 'the 600 s script is stopped at the restore deadline, twice at most'
        $outcome.FailureId | Should -Be 'FailoverRestoreIncomplete,HaEdge.Commands.TestHaFailoverCommand' -Because (Get-Story $outcome)
        $outcome.Failure | Should -Match 'Undo did not complete \(no end within 2\.0 s\)'
        $outcome.GatewaysDown | Should -Contain 'FIBRE_GW on fw1'
    }

    It 'killing the SSH connections to fw2 <When> leaves the run going and the edge restored' -ForEach @(
        @{ When = 'while fw1 is hard-stopped'; Phase = '^Injecting the fault'; WhenVm = 'stopped'; Vm = 'stopped' }
        @{ When = 'while fw1 restarts and rejoins'; Phase = '^Waiting for the failback'; Vm = 'running' }
    ) {
        $outcome = Invoke-InterruptedFailover -Scenario HardStop -Phase $Phase -WhenVm $WhenVm -Interrupt KillSsh
        $outcome.PhaseSeen | Should -BeTrue -Because "the run should reach '$Phase' ($(Get-Story $outcome))"
        $outcome.VmAtInterrupt | Should -Be $Vm
        $outcome.Killed | Should -BeTrue -Because 'the module held a connection to fw2 to kill'
        $outcome.Failure | Should -BeNullOrEmpty
        $outcome.Results.Count | Should -Be 1
        $outcome.Results[0].Error | Should -BeNullOrEmpty -Because 'a dropped connection is reopened, not the end of the run'
        Assert-EdgeRestored $outcome
    }

    It 'a Proxmox API error on the <Call> call ends the run with that error and the edge restored' -ForEach @(
        @{ Call = 'stop' }
        @{ Call = 'start' }
    ) {
        # The simulator answers the next such call with a 500, once.
        @{ failNext = @{ path = "/nodes/pve1/qemu/101/status/$Call"; status = 500; message = "injected by FailoverSafety.Tests" } } |
            ConvertTo-Json -Depth 3 | Set-Content $InjectFile
        $outcome = Invoke-InterruptedFailover -Scenario HardStop -Interrupt None
        $outcome.Failure | Should -BeNullOrEmpty
        $outcome.Results.Count | Should -Be 1
        $outcome.Results[0].Passed | Should -BeFalse
        $outcome.Results[0].Error | Should -Match 'injected by FailoverSafety.Tests'
        Test-Path $InjectFile | Should -BeTrue
        (Get-Content -Raw $InjectFile) | Should -Not -Match $Call -Because 'the simulator used up the injected failure'
        Assert-EdgeRestored $outcome
    }
}
