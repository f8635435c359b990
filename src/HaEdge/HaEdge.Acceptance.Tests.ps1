#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
<#
.SYNOPSIS
    HaEdge's acceptance suite for one edge: a Pester 5 container taking the edge definition as data.
.DESCRIPTION
    Read-only by default: one test per Test-HaEdge check, one per CARP VIP (exactly one MASTER, on the expected
    firewall, and the peer BACKUP), one per gateway (online on both firewalls). The Test-HaFailover scenarios, which
    fail the edge over and back (tag Disruptive), are discovered only when the run's tag filter names Disruptive; the
    read-only tests carry the tag ReadOnly.

        $container = New-PesterContainer -Path (Get-HaEdgeAcceptanceTest).FullName -Data @{ Definition = './edge.json' }
        Invoke-Pester -Container $container -Output Detailed

    Get-Help about_HaEdgeAcceptance shows every data key, the disruptive tag and NUnit/JUnit output for CI.
#>
param(
    # The edge definition file, as Connect-HaEdge -Path takes it.
    [Parameter(Mandatory)] [string] $Definition,
    # More parameters for Connect-HaEdge, e.g. @{ Credential = $token; SshCredential = $ssh }.
    [hashtable] $Connect = @{},
    # The XML-RPC user and password for the ConfigDrift check, instead of the definition's passwordVariable.
    [pscredential] $XmlRpcCredential,
    # The firewall that must be MASTER of every VIP; by default the definition's primary.
    [string] $ExpectedMaster,
    # How long to wait for each firewall's answer, as the cmdlets' -Timeout takes it: seconds (30), 30s, 2m or a TimeSpan.
    $Timeout = 10,
    # Disruptive only: the Test-HaFailover scenarios to run, one test each, in this order.
    [string[]] $Scenario = @('Maintenance', 'HardStop', 'WanPull'),
    # Disruptive only: more parameters for Test-HaFailover, e.g. @{ MaxOutage = '0:0:5'; WanPullMethod = 'LinkDown' }.
    [hashtable] $Failover = @{}
)

BeforeDiscovery {
    # The module this suite ships with, whatever else is on the module path.
    Import-Module (Join-Path $PSScriptRoot 'HaEdge.psd1')
    $suite = [HaEdge.Core.Runbooks.AcceptanceSuite]
    $script:Checks = @([HaEdge.Core.Runbooks.ReadinessChecks]::All | ForEach-Object { @{ Check = $_; Name = $suite::CheckTestName($_) } })

    # The VIPs and gateways the edge has, one test each; a failed read is the first test's failure.
    $script:Vips = @()
    $script:Gateways = @()
    $script:ReadError = $null
    $session = Connect-HaEdge -Path $Definition @Connect
    try {
        $firewalls = @($session.Definition.Firewalls.Name)
        $master = if ($ExpectedMaster) { $ExpectedMaster } else { $session.Definition.Primary.Name }
        $peer = @($firewalls | Where-Object { $_ -ne $master })[0]
        $script:Vips = @(Get-CarpStatus -Session $session -Timeout $Timeout -ErrorAction Stop | Group-Object Interface, Vhid | ForEach-Object {
                $vip = $_.Group[0]
                $addresses = @($_.Group.Addresses | Select-Object -Unique) -join ', '
                @{ Interface = $vip.Interface; Vhid = $vip.Vhid; Master = $master; Peer = $peer
                    Name = "CARP VIP vhid $($vip.Vhid) on $($vip.Interface) ($addresses): MASTER on $master, BACKUP on $peer" }
            })
        $script:Gateways = @(Get-PfGateway -Session $session -Timeout $Timeout -ErrorAction Stop | Select-Object -ExpandProperty Name -Unique |
                ForEach-Object { @{ Gateway = $_; Firewalls = $firewalls } })
    }
    catch { $script:ReadError = $_ }
    finally { $session | Disconnect-HaEdge -Confirm:$false }

    # Pester runs every tag unless told otherwise, so the failover scenarios are declared only when this run's tag
    # filter names their tag. Pester keeps the run's configuration as $PesterPreference while it runs; it is read from
    # the call stack (a Pester that keeps it elsewhere leaves them out: never a failover nobody asked for).
    $run = Get-PSCallStack | ForEach-Object { $_.GetFrameVariables()['PesterPreference'] } | Where-Object { $_ -and $_.Value } | Select-Object -First 1
    $script:Disruptive = [bool]($run -and @($run.Value.Filter.Tag.Value | Where-Object { 'Disruptive' -like $_ }))
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'HaEdge.psd1')
    $script:Session = Connect-HaEdge -Path $Definition @Connect
    $script:Firewalls = @($Session.Definition.Firewalls.Name)
}

AfterAll {
    if ($Session) { $Session | Disconnect-HaEdge -Confirm:$false }
}

Describe 'The edge as HaEdge reads it' -Tag ReadOnly {
    # What discovery read reaches the run as test data, as discovery's variables do not.
    It 'reads the CARP VIPs and gateways of both firewalls' -ForEach @(@{ ReadError = $ReadError; VipCount = $Vips.Count; GatewayCount = $Gateways.Count }) {
        if ($ReadError) { throw $ReadError }
        $VipCount | Should -BeGreaterThan 0 -Because 'an HA edge has CARP VIPs'
        $GatewayCount | Should -BeGreaterThan 0 -Because 'an edge has gateways'
    }
}

Describe 'Test-HaEdge' -Tag ReadOnly {
    BeforeAll {
        $parameters = @{ Session = $Session; Timeout = $Timeout }
        if ($XmlRpcCredential) { $parameters.XmlRpcCredential = $XmlRpcCredential }
        $script:Readiness = Test-HaEdge @parameters
    }

    It '<Name>' -ForEach $Checks {
        $result = $Readiness.Checks | Where-Object Check -EQ $Check
        $result | Should -Not -BeNullOrEmpty -Because "Test-HaEdge reports every check"
        if ("$($result.Verdict)" -eq 'NotConfigured') { Set-ItResult -Skipped -Because $result.Summary; return }
        $errors = @($result.Findings | Where-Object { "$($_.Severity)" -eq 'Error' } | ForEach-Object { "$($_.Code) $($_.Target): $($_.Message) $($_.Remediation)" })
        # Failed means an Error finding (a check that cannot run has one too): each is shown with its remediation.
        $errors | Should -BeNullOrEmpty -Because "$Check found: $($result.Summary)"
        "$($result.Verdict)" | Should -Not -Be 'Failed' -Because $result.Summary
    }
}

Describe 'CARP VIPs' -Tag ReadOnly {
    BeforeAll {
        $script:Carp = @(Get-CarpStatus -Session $Session -Timeout $Timeout)
    }

    It '<Name>' -ForEach $Vips {
        $rows = @($Carp | Where-Object { $_.Interface -eq $Interface -and $_.Vhid -eq $Vhid })
        $reasons = @($rows | ForEach-Object { "$($_.Firewall) $($_.State)" }) + @($rows.Reasons | Select-Object -Unique)
        @($rows | Where-Object { "$($_.State)" -eq 'Master' }).Firewall -join ', ' | Should -Be $Master -Because ($reasons -join '; ')
        "$(($rows | Where-Object Firewall -EQ $Peer).State)" | Should -Be 'Backup' -Because "$Peer must stand by to take the VIP over ($($reasons -join '; '))"
    }
}

Describe 'Gateways' -Tag ReadOnly {
    BeforeAll {
        $script:GatewayStatus = @(Get-PfGateway -Session $Session -Timeout $Timeout)
    }

    It 'Gateway <Gateway> is online on both firewalls' -ForEach $Gateways {
        $rows = @($GatewayStatus | Where-Object Name -EQ $Gateway)
        $seen = foreach ($firewall in $Firewalls) {
            $row = $rows | Where-Object Firewall -EQ $firewall
            "$firewall $(if ($row) { $row.Status } else { 'missing' })"
        }
        $detail = $rows | ForEach-Object { "$($_.Firewall): $($_.Status) $($_.Substatus), loss $($_.LossPercent) %, delay $($_.DelayMs) ms, monitor $($_.MonitorIp)" }
        $seen | Should -Be @($Firewalls | ForEach-Object { "$_ online" }) -Because ($detail -join '; ')
    }
}

if ($Disruptive) {
    Describe 'Failover' -Tag Disruptive {
        It '<Scenario>: fails over and back within the pass criteria' -ForEach @($Scenario | ForEach-Object { @{ Scenario = $_ } }) {
            $result = Test-HaFailover -Session $Session -Scenario $Scenario -Confirm:$false @Failover
            $result.Passed | Should -BeTrue -Because (@($result.Reasons) -join '; ')
        }
    }
}
