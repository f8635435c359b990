#Requires -Modules Pester
# Issue 6's safety bar on the rehearsal lab: a Test-HaFailover run interrupted in each phase (Ctrl+C, its SSH
# connections killed, a Proxmox API error from the simulator) still leaves the edge as it was: both VMs running,
# maintenance off, one MASTER per VIP, checked right after the interrupted run returns.
BeforeDiscovery {
    $script:LabPossible = $IsLinux -and ((& id -u) -eq '0')
}

Describe 'Test-HaFailover interrupted on the rehearsal lab' -Tag Lab -Skip:(-not $LabPossible) {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'support/Lab.ps1')
        Start-Lab | Out-Null
        $script:InjectFile = Join-Path $LabStateDir 'pve/inject.json'

        # Runs Test-HaFailover in a second runspace of the admin-namespace process and, once its progress shows
        # $Phase (and, with $WhenVm, once fw1's VM has that status), interrupts it: PowerShell's Stop() (what Ctrl+C
        # does) or killing the SSH connections fw2 serves. Polls of a stopped node wait for its
        # timeout, so the failover phases may pass without a progress record of their own: the fault's start and
        # the VM's status place the interruption there. Records fw1's VM status at that moment, reads the edge as
        # the run left it, then waits for the pair to settle on fw1 again (preemption) so the next test starts
        # from a healthy lab.
        function Invoke-InterruptedFailover {
            param(
                [Parameter(Mandatory)] [string] $Scenario,
                [Parameter(Mandatory)] [string] $Phase,
                [Parameter(Mandatory)] [ValidateSet('StopProcessing', 'KillSsh', 'None')] [string] $Interrupt,
                [string] $WhenVm,
                # More Test-HaFailover parameters, as PowerShell text.
                [string] $Arguments = ''
            )
            Invoke-InLabAdmin {
                param($Scenario, $Phase, $Interrupt, $WhenVm, $Arguments, $StateDir)
                $manifest = Join-Path (Get-Module HaEdge).ModuleBase 'HaEdge.psd1'
                $runspace = [runspacefactory]::CreateRunspace()
                $runspace.Open()
                $run = [powershell]::Create()
                $run.Runspace = $runspace
                $null = $run.AddScript(@"
`$ErrorActionPreference = 'Stop'
Import-Module '$manifest'
Connect-HaEdge '$StateDir/edge.json' | Out-Null
Test-HaFailover -Scenario $Scenario -ProbeInterval 0:0:0.1 -Settle 0:0:3 -Confirm:`$false $Arguments
"@)
                $async = $run.BeginInvoke()
                $deadline = [DateTime]::UtcNow.AddSeconds(120)
                $seen = $null
                while (-not $async.IsCompleted -and [DateTime]::UtcNow -lt $deadline) {
                    $seen = @($run.Streams.Progress | Where-Object StatusDescription -Match $Phase)[0]
                    if ($seen) { break }
                    Start-Sleep -Milliseconds 20
                }

                $vmAtInterrupt = $null
                $killed = $null
                if ($seen) {
                    while ($true) {
                        $vmAtInterrupt = "$((Get-HaEdgeVm | Where-Object Firewall -EQ 'fw1').Status)"
                        if (-not $WhenVm -or $vmAtInterrupt -eq $WhenVm -or [DateTime]::UtcNow -ge $deadline) { break }
                        Start-Sleep -Milliseconds 100
                    }
                    switch ($Interrupt) {
                        # Returns once the cmdlet has returned: after its clean-up.
                        'StopProcessing' { $run.Stop() }
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
                $run.Dispose()
                $runspace.Dispose()

                # The edge right after the run returned, read by this process's own session.
                $vms = @(Get-HaEdgeVm | ForEach-Object { "$($_.Status)" })
                $carp = @(Get-CarpStatus)
                [pscustomobject]@{
                    PhaseSeen       = [bool] $seen
                    LastProgress    = "$(@($run.Streams.Progress)[-1].StatusDescription)"
                    Killed          = $killed
                    VmAtInterrupt   = $vmAtInterrupt
                    Failure         = if ($failure) { "$($failure.GetType().Name): $($failure.Message)" }
                    Results         = @($results | ForEach-Object { [pscustomobject]@{ Passed = $_.Passed; Error = $_.Error; Reasons = @($_.Reasons) } })
                    VmStatus        = $vms
                    Maintenance     = @($carp | Where-Object Maintenance).Count
                    MastersPerVip   = @($carp | Group-Object Vhid | ForEach-Object { @($_.Group | Where-Object { "$($_.State)" -eq 'Master' }).Count })
                    VipRows         = $carp.Count
                    Firewalls       = @($carp.Firewall | Sort-Object -Unique)
                    NotSettled      = @($carp | Where-Object { "$($_.State)" -notin 'Master', 'Backup' }).Count
                }

                # Back to fw1 MASTER of every VIP before the next test (fw1 preempts once it hears itself better).
                $settle = [DateTime]::UtcNow.AddSeconds(60)
                while ([DateTime]::UtcNow -lt $settle -and
                    @(Get-CarpStatus | Where-Object { "$($_.Verdict)" -ne 'Healthy' -or ($_.Firewall -eq 'fw1' -and "$($_.State)" -ne 'Master') }).Count) {
                    Start-Sleep -Milliseconds 500
                }
            } -ArgumentList $Scenario, $Phase, $Interrupt, $WhenVm, $Arguments, $LabStateDir
        }

        # The edge as it was: both VMs running, both firewalls answering with every VIP MASTER or BACKUP,
        # maintenance off, exactly one MASTER per VIP.
        function Assert-EdgeRestored($Outcome) {
            $Outcome.VmStatus | Should -Be @('running', 'running')
            $Outcome.Firewalls | Should -Be @('fw1', 'fw2')
            $Outcome.NotSettled | Should -Be 0
            $Outcome.Maintenance | Should -Be 0
            $Outcome.VipRows | Should -Be 6
            $Outcome.MastersPerVip | Should -Be @(1, 1, 1)
        }
    }

    AfterEach {
        Remove-Item $InjectFile -ErrorAction Ignore
    }

    It 'Ctrl+C <When> leaves the edge restored' -ForEach @(
        @{ When = 'in the HardStop baseline'; Scenario = 'HardStop'; Phase = '^Baseline'; Vm = 'running' }
        @{ When = 'while fw1 is hard-stopped'; Scenario = 'HardStop'; Phase = '^Injecting the fault'; WhenVm = 'stopped'; Vm = 'stopped' }
        @{ When = 'while fw1 restarts and rejoins'; Scenario = 'HardStop'; Phase = '^Waiting for the failback'; Vm = 'running' }
        @{ When = 'while fw1 is in CARP maintenance'; Scenario = 'Maintenance'; Phase = '^Settling \('; Vm = 'running' }
    ) {
        $outcome = Invoke-InterruptedFailover -Scenario $Scenario -Phase $Phase -WhenVm $WhenVm -Interrupt StopProcessing
        $outcome.PhaseSeen | Should -BeTrue -Because "the run should reach '$Phase' (last progress: $($outcome.LastProgress))"
        $outcome.VmAtInterrupt | Should -Be $Vm
        $outcome.Failure | Should -Match 'PipelineStopped'
        Assert-EdgeRestored $outcome
    }

    It 'Ctrl+C while the fibre is dead (WanPull through a user script) still runs the restore script' {
        $lab = Get-LabBinary
        $outcome = Invoke-InterruptedFailover -Scenario WanPull -Phase '^Waiting for the default route' -Interrupt StopProcessing -Arguments (
            "-WanPullMethod UserAction -WanPullScript { & dotnet '$lab' fault fibre-dead | Out-Null } " +
            "-WanRestoreScript { & dotnet '$lab' heal fibre-dead | Out-Null }")
        $outcome.PhaseSeen | Should -BeTrue -Because "the run should reach the route wait (last progress: $($outcome.LastProgress))"
        $outcome.Failure | Should -Match 'PipelineStopped'
        Assert-EdgeRestored $outcome
        Invoke-Lab status | Should -Match 'faults: none'
    }

    It 'killing the SSH connections to fw2 <When> leaves the run going and the edge restored' -ForEach @(
        @{ When = 'while fw1 is hard-stopped'; Phase = '^Injecting the fault'; WhenVm = 'stopped'; Vm = 'stopped' }
        @{ When = 'while fw1 restarts and rejoins'; Phase = '^Waiting for the failback'; Vm = 'running' }
    ) {
        $outcome = Invoke-InterruptedFailover -Scenario HardStop -Phase $Phase -WhenVm $WhenVm -Interrupt KillSsh
        $outcome.PhaseSeen | Should -BeTrue -Because "the run should reach '$Phase' (last progress: $($outcome.LastProgress))"
        $outcome.VmAtInterrupt | Should -Be $Vm
        $outcome.Killed | Should -BeTrue -Because 'the module held a connection to fw2 to kill'
        $outcome.Failure | Should -BeNullOrEmpty
        $outcome.Results.Count | Should -Be 1
        $outcome.Results[0].Error | Should -BeNullOrEmpty -Because 'a dropped connection is reopened, not the end of the run'
        Assert-EdgeRestored $outcome
    }

    It 'a Proxmox API error on the <Call> call ends the run with that error and the edge restored' -ForEach @(
        @{ Call = 'stop'; Phase = 'Injecting the fault' }
        @{ Call = 'start'; Phase = 'Undoing the fault' }
    ) {
        # The simulator answers the next such call with a 500, once.
        @{ failNext = @{ path = "/nodes/pve1/qemu/101/status/$Call"; status = 500; message = "injected by FailoverSafety.Tests" } } |
            ConvertTo-Json -Depth 3 | Set-Content $InjectFile
        $outcome = Invoke-InterruptedFailover -Scenario HardStop -Phase $Phase -Interrupt None
        $outcome.Failure | Should -BeNullOrEmpty
        $outcome.Results.Count | Should -Be 1
        $outcome.Results[0].Passed | Should -BeFalse
        $outcome.Results[0].Error | Should -Match 'injected by FailoverSafety.Tests'
        Test-Path $InjectFile | Should -BeTrue
        (Get-Content -Raw $InjectFile) | Should -Not -Match $Call -Because 'the simulator used up the injected failure'
        Assert-EdgeRestored $outcome
    }
}
