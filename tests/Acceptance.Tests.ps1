#Requires -Modules Pester
# The acceptance suite users run (src/HaEdge/HaEdge.Acceptance.Tests.ps1, shipped in the module folder), run as a user
# runs it: Invoke-Pester on the container Get-HaEdgeAcceptanceTest names, with the lab's edge definition as data, from
# the lab's admin namespace. Green on the lab as built; under each lab fault exactly the tests that hold what the fault
# breaks are red. The Disruptive tests are only discovered here, never run.

BeforeDiscovery {
    $script:LabPossible = $IsLinux -and ((& id -u) -eq '0')
}

Describe 'The acceptance suite on the rehearsal lab' -Tag Lab -Skip:(-not $LabPossible) {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'common.ps1')
        . (Join-Path $PSScriptRoot 'support/Lab.ps1')
        Start-Lab | Out-Null
        $script:PesterManifest = Join-Path (Get-Module Pester).ModuleBase 'Pester.psd1'

        # Runs the suite in the admin namespace once per entry of $Runs (Tag: the run's tag filter; SkipRun: discovery
        # only; ResultPath and ResultFormat: where to write NUnitXml or JUnitXml), in one process. Returns one object per test and run: Run, Name,
        # Result, ShouldRun, Tags (its own and its blocks'), Message.
        function Invoke-AcceptanceSuite([hashtable[]] $Runs) {
            Invoke-InLabAdmin {
                param($PesterManifest, $Runs)
                Import-Module $PesterManifest
                $index = 0
                foreach ($run in $Runs) {
                    $configuration = New-PesterConfiguration
                    $configuration.Run.Container = New-PesterContainer -Path (Get-HaEdgeAcceptanceTest).FullName -Data @{ Definition = '/run/haedge-lab/edge.json' }
                    $configuration.Run.PassThru = $true
                    $configuration.Run.SkipRun = [bool]$run.SkipRun
                    $configuration.Output.Verbosity = 'None'
                    if ($run.Tag) { $configuration.Filter.Tag = $run.Tag }
                    if ($run.ResultPath) {
                        $configuration.TestResult.Enabled = $true
                        $configuration.TestResult.OutputFormat = $run.ResultFormat
                        $configuration.TestResult.OutputPath = $run.ResultPath
                    }
                    $result = Invoke-Pester -Configuration $configuration
                    # A container fails alone when its discovery or top-level setup fails.
                    foreach ($container in @($result.Containers | Where-Object { $_.ErrorRecord.Count -gt 0 })) {
                        [pscustomobject]@{ Run = $index; Name = "(container) $($container.Item)"; Result = 'Failed'; ShouldRun = $true; Tags = @(); Message = "$($container.ErrorRecord)" }
                    }
                    foreach ($test in $result.Tests) {
                        $tags = @($test.Tag) + @(for ($block = $test.Block; $block; $block = $block.Parent) { $block.Tag })
                        # Discovery alone (SkipRun) leaves the data's <Key>s in the name: filled in as a run would.
                        $name = $test.ExpandedName
                        foreach ($key in @(if ($test.Data) { $test.Data.Keys })) { $name = $name.Replace("<$key>", "$($test.Data[$key])") }
                        [pscustomobject]@{
                            Run = $index; Name = $name; Result = "$($test.Result)"; ShouldRun = $test.ShouldRun
                            Tags = @($tags | Where-Object { $_ }); Message = "$($test.ErrorRecord)"
                        }
                    }
                    $index++
                }
            } -ArgumentList $PesterManifest, $Runs -TimeoutSeconds 120
        }

        # The names of the tests that did not pass, sorted; the failures' messages are the reason on a mismatch.
        function Get-Red($Tests) { @($Tests | Where-Object Result -NE 'Passed' | ForEach-Object Name | Sort-Object) }
        function Get-Reason($Tests) { (@($Tests | Where-Object Result -NE 'Passed' | ForEach-Object { "$($_.Name): $($_.Message)" }) -join "`n") }

        # The test names that hold each part of the lab (src/HaEdge.Lab/LabLayout.cs).
        $script:FibreGateway = 'Gateway FIBRE_GW is online on both firewalls'
        $script:Vlan20Vip = 'CARP VIP vhid * (192.0.2.129/*): MASTER on fw1, BACKUP on fw2'
        function Get-CheckTest([string] $Check) { [HaEdge.Core.Runbooks.AcceptanceSuite]::CheckTestName($Check) }

        # Waits, bounded, until the lab itself (no module involved) shows a fault's effect.
        function Wait-Lab([scriptblock] $Condition, [int] $TimeoutSeconds = 30) {
            $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
            while (-not (& $Condition (Invoke-Lab status --json | ConvertFrom-Json))) {
                if ([DateTime]::UtcNow -gt $deadline) { throw "The lab did not show the fault within $TimeoutSeconds s: $Condition" }
                Start-Sleep -Milliseconds 250
            }
        }
    }

    It 'declares the Test-HaFailover scenarios only when the tag filter asks for Disruptive (discovery only)' {
        $default, $asked = @(Invoke-AcceptanceSuite @(@{ SkipRun = $true }, @{ SkipRun = $true; Tag = 'Disruptive' })) | Group-Object Run | ForEach-Object { , @($_.Group) }

        $default | Where-Object { $_.Tags -contains 'Disruptive' } | Should -BeNullOrEmpty
        $default.Count | Should -BeGreaterThan 12 -Because 'the read-only tests are: the read, 10 checks, 3 VIPs and 2 gateways'
        $default | Where-Object { -not $_.ShouldRun } | Should -BeNullOrEmpty -Because 'every read-only test runs by default'

        $disruptive = @($asked | Where-Object { $_.Tags -contains 'Disruptive' })
        $disruptive.Name | Should -Be @(
            'Maintenance: fails over and back within the pass criteria'
            'HardStop: fails over and back within the pass criteria'
            'WanPull: fails over and back within the pass criteria')
        $disruptive | Where-Object { -not $_.ShouldRun } | Should -BeNullOrEmpty
        $asked | Where-Object { $_.Tags -notcontains 'Disruptive' -and $_.ShouldRun } | Should -BeNullOrEmpty -Because 'Disruptive alone leaves the read-only tests out'
    }

    It 'is green on the lab as built: one test per check, VIP and gateway, written as NUnit XML' {
        $xml = Join-Path ([IO.Path]::GetTempPath()) "haedge-acceptance-$([guid]::NewGuid().ToString('n')).xml"
        try {
            $tests = @(Invoke-AcceptanceSuite @(@{ ResultPath = $xml; ResultFormat = 'NUnitXml' }))
            Get-Red $tests | Should -BeNullOrEmpty -Because (Get-Reason $tests)
            $names = @($tests.Name)
            $names | Should -Contain 'reads the CARP VIPs and gateways of both firewalls'
            foreach ($check in [HaEdge.Core.Runbooks.ReadinessChecks]::All) { $names | Should -Contain (Get-CheckTest $check) }
            @($names | Where-Object { $_ -like 'CARP VIP vhid *: MASTER on fw1, BACKUP on fw2' }) | Should -HaveCount 3 -Because 'the lab has a VIP on WAN-Fibre, LAN and VLAN20'
            @($names | Where-Object { $_ -like $Vlan20Vip }) | Should -HaveCount 1
            $names | Should -Contain $FibreGateway
            @($names | Where-Object { $_ -like 'Gateway * is online on both firewalls' }) | Should -HaveCount 2 -Because 'the lab has the fibre and the Starlink gateway'

            # What a CI system reads: one test-case per test, none failed.
            $nunit = [xml](Get-Content -Raw $xml)
            $cases = @($nunit.SelectNodes('//test-case'))
            $cases.Count | Should -Be $tests.Count
            @($cases | Where-Object result -NE 'Success').Count | Should -Be 0
            $nunit.'test-results'.total | Should -Be $tests.Count
            $nunit.'test-results'.failures | Should -Be 0
        }
        finally { Remove-Item $xml -ErrorAction Ignore }
    }

    It 'under <Fault>, exactly the tests of what it breaks are red, in <Format> too' -ForEach @(
        # dpinger marks the fibre gateway down on both firewalls once its loss passes the threshold.
        @{ Fault = 'fibre-dead'; Format = 'JUnitXml'; Red = { @((Get-CheckTest Gateways), $FibreGateway) }
            Shown = { param($status) -not @($status.firewalls.gateways | Where-Object { $_.name -eq 'FIBRE_GW' -and $_.status -eq 'online' }) } }
        @{ Fault = 'vip-missing fw2 net2'; Format = 'NUnitXml'; Red = { @((Get-CheckTest Carp), (Get-CheckTest CarpVips), $Vlan20Vip) }; Shown = { $true } }
        # pfsync then sends to the peer's LAN address: not on the sync segment (SyncPath), and not to the peer's sync
        # address, which Get-PfsyncStatus judges NotInSync (Pfsync).
        @{ Fault = 'sync-on-lan'; Format = 'NUnitXml'; Red = { @((Get-CheckTest SyncPath), (Get-CheckTest Pfsync)) }; Shown = { $true } }
    ) {
        $arguments = $Fault -split ' '
        $xml = Join-Path ([IO.Path]::GetTempPath()) "haedge-acceptance-$([guid]::NewGuid().ToString('n')).xml"
        Invoke-Lab (@('fault') + $arguments) | Out-Null
        try {
            Wait-Lab $Shown
            $tests = @(Invoke-AcceptanceSuite @(@{ ResultPath = $xml; ResultFormat = $Format }))
            $results = [xml](Get-Content -Raw $xml)
        }
        finally {
            Invoke-Lab (@('heal') + $arguments) | Out-Null
            Remove-Item $xml -ErrorAction Ignore
            Wait-LabHealthy
        }
        # (PowerShell's variables ignore case: $Red is the case's data.)
        $failed = Get-Red $tests
        $expected = @(& $Red)
        $failed | Should -HaveCount $expected.Count -Because (Get-Reason $tests)
        foreach ($name in $expected) { @($failed | Where-Object { $_ -like $name }) | Should -HaveCount 1 -Because "$name must be red: $(Get-Reason $tests)" }

        # The XML file a CI system reads says the same: one case per test, as many failed.
        $cases = @($results.SelectNodes($(if ($Format -eq 'JUnitXml') { '//testcase' } else { '//test-case' })))
        $cases.Count | Should -Be $tests.Count
        if ($Format -eq 'JUnitXml') { @($cases | Where-Object { $_.SelectSingleNode('failure') }).Count | Should -Be $expected.Count }
        else { @($cases | Where-Object result -EQ 'Failure').Count | Should -Be $expected.Count }
    }
}
