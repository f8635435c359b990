#Requires -Modules Pester
# Assert-AntiAffinity, Test-HaEdgeSymmetry and Connect-HaEdge's check as a runbook sees them, against the lab's PVE API
# simulator (serve-pve --fake-vms on loopback, no root, no network lab); faults are made through the PVE API, as an
# admin would. The same checks against the running rehearsal lab are in Checks.Tests.ps1.

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')

    # The two simulated nodes' answers, read straight from the API (to see what -Repair wrote, and to make faults).
    function Invoke-SimPve([string] $Method = 'GET', [string] $Path, [hashtable] $Form) {
        $request = @{
            Method = $Method; Uri = "https://127.0.0.1:$($script:Ports[0])/api2/json$Path"; SkipCertificateCheck = $true; SkipHeaderValidation = $true
            Headers = @{ Authorization = "PVEAPIToken=haedge@pve!edge=$($script:TokenSecret)" }
        }
        # PowerShell sets the form content type for POST only; PVE reads PUT parameters from a form too.
        if ($Form) { $request.Body = $Form; $request.ContentType = 'application/x-www-form-urlencoded' }
        (Invoke-RestMethod @request).data
    }

    # The firewall VMs' HA design on the simulated cluster: -Managed makes those VMs HA resources (the others leave HA,
    # which on PVE 9 also takes them out of every rule), -Rule adds the negative rule over both.
    function Set-SimHa([int[]] $Managed = @(), [switch] $Rule) {
        foreach ($resource in @(Invoke-SimPve -Path '/cluster/ha/resources')) {
            if ($resource.sid -notin @($Managed | ForEach-Object { "vm:$_" })) { Invoke-SimPve DELETE "/cluster/ha/resources/$($resource.sid)" | Out-Null }
        }
        foreach ($existing in @(Invoke-SimPve -Path '/cluster/ha/rules')) { Invoke-SimPve DELETE "/cluster/ha/rules/$($existing.rule)" | Out-Null }
        $present = @(Invoke-SimPve -Path '/cluster/ha/resources').sid
        foreach ($vmId in $Managed) {
            if ("vm:$vmId" -notin $present) { Invoke-SimPve POST '/cluster/ha/resources' @{ sid = "vm:$vmId"; state = 'started' } | Out-Null }
        }
        if ($Rule) { Invoke-SimPve POST '/cluster/ha/rules' @{ rule = 'fw-apart'; type = 'resource-affinity'; resources = 'vm:101,vm:102'; affinity = 'negative' } | Out-Null }
    }

    function Get-FindingLine { process { "$($_.Severity) $($_.Code) $($_.Target)" } }

    # Two simulated nodes (serve-pve --fake-vms, the lab's profile NAME) and a session on them, in $script: variables.
    function Start-SimEdge([string] $LabProfile = 'default') {
        $script:State = Join-Path ([IO.Path]::GetTempPath()) ("haedge-checks-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
        New-Item -ItemType Directory $State | Out-Null
        # Each binds a free port itself and prints it.
        $script:Simulators = @(
            Start-LabSimulator serve-pve pve1 $State -ExtraArguments '--fake-vms', '--profile', $LabProfile
            Start-LabSimulator serve-pve pve2 $State -ExtraArguments '--fake-vms', '--profile', $LabProfile
        )
        $script:Ports = $Simulators.Port
        $script:TokenSecret = (Get-Content -Raw "$State/pve/tokens.json" | ConvertFrom-Json | Where-Object id -EQ 'haedge@pve!edge').secret

        # The lab's layout (src/HaEdge.Lab/LabLayout.cs) as an edge definition.
        $definition = [ordered]@{
            name      = "checks-sim-$LabProfile"
            proxmox   = @{
                endpoints = @("https://127.0.0.1:$($Ports[0])", "https://127.0.0.1:$($Ports[1])"); tokenId = 'haedge@pve!edge'
                # One pin per endpoint, in order: both simulated nodes serve the lab's one certificate.
                certificateSha256 = @((Get-Content -Raw "$State/pve/fingerprint").Trim()) * 2
            }
            firewalls = @(
                @{ name = 'fw1'; role = 'primary'; vmId = 101; node = 'pve1'; ssh = @{ host = '192.0.2.2'; user = 'root' } }
                @{ name = 'fw2'; role = 'secondary'; vmId = 102; node = 'pve2'; ssh = @{ host = '192.0.2.3'; user = 'root' } }
            )
            segments  = @(
                @{ name = 'WAN-Fibre'; kind = 'wan'; net = 0; bridge = 'vmbr0'; carp = $true; addressing = 'static' }
                @{ name = 'LAN'; kind = 'lan'; net = 1; bridge = 'vmbr1'; carp = $true }
                @{ name = 'VLAN20'; kind = 'vlan'; net = 2; bridge = 'vmbr1'; vlan = 20; carp = $true }
                @{ name = 'WAN-Starlink'; kind = 'wan'; net = 3; bridge = 'vmbr2'; carp = $false; addressing = 'dhcp' }
                @{ name = 'SYNC'; kind = 'sync'; net = 4; bridge = 'vmbr9' }
            )
        }
        $path = Join-Path $State 'edge.json'
        $definition | ConvertTo-Json -Depth 5 | Set-Content $path
        $token = [pscredential]::new('haedge@pve!edge', (ConvertTo-SecureString $TokenSecret -AsPlainText -Force))
        $script:Session = Connect-HaEdge -SkipCheck -Path $path -Credential $token
    }

    function Stop-SimEdge {
        if ($Session) { $Session | Disconnect-HaEdge -Confirm:$false }
        Stop-LabSimulator $Simulators
        Remove-Item -Recurse -Force $State -ErrorAction Ignore
    }

    function Set-SimNicTag([int] $VmId, [int] $Net, [int] $Tag) {
        $vm = @(Invoke-SimPve -Path '/cluster/resources?type=vm') | Where-Object vmid -EQ $VmId
        $nic = (Invoke-SimPve -Path "/nodes/$($vm.node)/qemu/$VmId/config")."net$Net" -replace ',tag=\d+', ''
        Invoke-SimPve PUT "/nodes/$($vm.node)/qemu/$VmId/config" @{ "net$Net" = "$nic,tag=$Tag" } | Out-Null
    }
}

Describe 'Checks against the PVE API simulator' -Tag Simulator {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'support/Lab.ps1')
        Start-SimEdge
    }

    AfterAll { Stop-SimEdge }

    Context 'Assert-AntiAffinity, VMs outside HA (the lab''s design: placement by configuration)' {
        BeforeEach { Set-SimHa }

        It 'gives no error, an Information that placement is by configuration, and the VMs tied to their nodes' {
            Assert-AntiAffinity -PassThru | Get-FindingLine | Sort-Object | Should -Be @(
                'Information PlacementByConfiguration vm:101,vm:102'
                'Information VmTiedToNode fw1'
                'Information VmTiedToNode fw2'
                'Warning TwoVoteCluster haedge-lab'
            )
            { Assert-AntiAffinity -WarningAction SilentlyContinue } | Should -Not -Throw
        }

        It 'repairs nothing: PVE refuses rules over VMs outside HA, so no request is sent' {
            # A refused request would end the call in a ProxmoxServerError; it ends with only the warning.
            Assert-AntiAffinity -Repair -Confirm:$false -WarningVariable warnings -WarningAction SilentlyContinue
            $warnings | Should -HaveCount 1
            "$warnings" | Should -BeLike 'TwoVoteCluster*'
            @(Invoke-SimPve -Path '/cluster/ha/rules') | Should -HaveCount 0
        }

        It 'takes the VMs from Get-HaEdgeVm on the pipeline' {
            (Get-HaEdgeVm | Assert-AntiAffinity -PassThru).Code | Should -Contain 'PlacementByConfiguration'
            (Get-HaEdgeVm -Firewall fw2 | Assert-AntiAffinity -PassThru | Where-Object Code -EQ 'VmTiedToNode').Target | Should -Be @('fw1', 'fw2')
        }

        It 'refuses VMs of another edge' {
            $stranger = [HaEdge.Core.Inventory.HaEdgeVm]@{ Firewall = 'fw9'; VmId = 909 }
            { $stranger | Assert-AntiAffinity } | Should -Throw -ErrorId 'VmNotInEdge,HaEdge.Commands.AssertAntiAffinityCommand'
        }
    }

    Context 'Assert-AntiAffinity, both VMs HA resources' {
        BeforeEach { Set-SimHa -Managed 101, 102 }

        It 'passes with the negative resource-affinity rule' {
            Set-SimHa -Managed 101, 102 -Rule
            Assert-AntiAffinity -PassThru | Get-FindingLine | Sort-Object | Should -Be @(
                'Information VmTiedToNode fw1'
                'Information VmTiedToNode fw2'
                'Warning TwoVoteCluster haedge-lab'
            )
        }

        It 'ends in one terminating error naming the missing rule, so a runbook stops' {
            $err = { Assert-AntiAffinity -WarningAction SilentlyContinue } | Should -Throw -PassThru
            $err.FullyQualifiedErrorId | Should -Be 'AntiAffinityViolated,HaEdge.Commands.AssertAntiAffinityCommand'
            $err.CategoryInfo.Category | Should -Be 'InvalidResult'
            $err.TargetObject.Code | Should -Be @('AntiAffinityRuleMissing')
            $err.Exception.Message | Should -BeLike '*ha-manager rules add resource-affinity haedge-101-102-apart --affinity negative --resources vm:101,vm:102*'
        }

        It 'returns the findings instead with -PassThru' {
            $findings = Assert-AntiAffinity -PassThru
            $findings | Get-FindingLine | Sort-Object | Should -Be @(
                'Error AntiAffinityRuleMissing vm:101,vm:102'
                'Information VmTiedToNode fw1'
                'Information VmTiedToNode fw2'
                'Warning HaRecoveryCanColocate fw1'
                'Warning HaRecoveryCanColocate fw2'
                'Warning TwoVoteCluster haedge-lab'
            )
            $findings[0].GetType().FullName | Should -Be 'HaEdge.Core.Checks.Finding'
        }

        It 'writes nothing with -Repair -WhatIf' {
            $findings = Assert-AntiAffinity -Repair -WhatIf -PassThru
            $findings.Code | Should -Contain 'AntiAffinityRuleMissing'
            @(Invoke-SimPve -Path '/cluster/ha/rules') | Should -HaveCount 0
        }

        It 'creates the negative resource-affinity rule with -Repair, then passes' {
            { Assert-AntiAffinity -Repair -Confirm:$false -WarningAction SilentlyContinue } | Should -Not -Throw
            $rule = Invoke-SimPve -Path '/cluster/ha/rules'
            $rule | Should -HaveCount 1
            $rule.rule | Should -Be 'haedge-101-102-apart'
            $rule.type | Should -Be 'resource-affinity'
            $rule.affinity | Should -Be 'negative'
            $rule.resources | Should -Be 'vm:101,vm:102'
            (Assert-AntiAffinity -PassThru | Where-Object Severity -EQ 'Error') | Should -BeNullOrEmpty
        }

        It 'enables a disabled negative rule instead of adding a second one (PVE ignores disable=0)' {
            Invoke-SimPve POST '/cluster/ha/rules' @{ rule = 'fw-apart'; type = 'resource-affinity'; resources = 'vm:101,vm:102'; affinity = 'negative'; disable = 1 } | Out-Null
            (Assert-AntiAffinity -PassThru).Code | Should -Contain 'AntiAffinityRuleDisabled'
            { Assert-AntiAffinity -Repair -Confirm:$false -WarningAction SilentlyContinue } | Should -Not -Throw
            $rules = @(Invoke-SimPve -Path '/cluster/ha/rules')
            $rules.rule | Should -Be @('fw-apart')
            $rules[0].PSObject.Properties.Name | Should -Not -Contain 'disable'
        }
    }

    Context 'Assert-AntiAffinity, only fw1 an HA resource' {
        BeforeEach { Set-SimHa -Managed 101 }

        It 'says what to do, and -Repair refuses before sending a rule PVE would refuse' {
            $finding = Assert-AntiAffinity -PassThru | Where-Object Severity -EQ 'Error'
            $finding | Get-FindingLine | Should -Be 'Error HaManagesOneFirewall vm:101'
            $finding.Remediation | Should -Be 'Take fw1 out of HA (ha-manager remove vm:101): CARP already makes the pair redundant. Or make fw2 an HA resource too (ha-manager add vm:102 --state started) and run Assert-AntiAffinity -Repair.'
            $err = $null
            try { Assert-AntiAffinity -Repair -Confirm:$false -ErrorVariable refusal -ErrorAction SilentlyContinue -WarningAction SilentlyContinue }
            catch { $err = $_ }
            $err.TargetObject.Code | Should -Be @('HaManagesOneFirewall')
            $refusal[0].FullyQualifiedErrorId | Should -BeLike 'AntiAffinityRepairNeedsBothInHa,*'
            @(Invoke-SimPve -Path '/cluster/ha/rules') | Should -HaveCount 0
        }
    }

    Context 'Test-HaEdgeSymmetry' {
        It 'finds nothing on the symmetric simulated edge' {
            Test-HaEdgeSymmetry | Should -BeNullOrEmpty
        }

        It 'reports the MAC filter on every CARP NIC of fw2 with the exact fix' {
            Invoke-SimPve PUT '/nodes/pve2/qemu/102/firewall/options' @{ macfilter = 1 } | Out-Null
            try {
                $findings = Test-HaEdgeSymmetry
                $findings | ForEach-Object { "$($_.Severity) $($_.Code) $($_.Target)" } | Should -Be @(
                    'Error MacFilterOnCarp fw2/net0', 'Error MacFilterOnCarp fw2/net1', 'Error MacFilterOnCarp fw2/net2')
                $findings[0].Remediation | Should -BeLike 'pvesh set /nodes/pve2/qemu/102/firewall/options --macfilter 0 *qm set 102 --net0 virtio=BC:24:11:66:00:00,bridge=vmbr0,firewall=0)'
            }
            finally { Invoke-SimPve PUT '/nodes/pve2/qemu/102/firewall/options' @{ macfilter = 0 } | Out-Null }
        }

        It 'reports a VLAN tagged differently on the two VMs, and -Segment narrows' {
            Set-SimNicTag -VmId 102 -Net 2 -Tag 21
            try {
                $finding = Test-HaEdgeSymmetry
                "$($finding.Severity) $($finding.Code) $($finding.Target)" | Should -Be 'Error VlanAsymmetric VLAN20'
                Test-HaEdgeSymmetry -Segment LAN, 'WAN*' | Should -BeNullOrEmpty
                ('LAN', 'VLAN*' | Test-HaEdgeSymmetry).Code | Should -Be 'VlanAsymmetric'
            }
            finally { Set-SimNicTag -VmId 102 -Net 2 -Tag 20 }
        }

        It 'refuses a segment the definition does not have' {
            $err = { Test-HaEdgeSymmetry -Segment DMZ } | Should -Throw -PassThru
            $err.FullyQualifiedErrorId | Should -Be 'SegmentNotFound,HaEdge.Commands.TestHaEdgeSymmetryCommand'
            $err.Exception.Message | Should -BeLike '*WAN-Fibre, LAN, VLAN20, WAN-Starlink, SYNC*'
        }

        It 'warns about multicast snooping only for the IPv6 CARP segments named' {
            (Test-HaEdgeSymmetry -Ipv6CarpSegment LAN).Target | Should -Be @('pve1/vmbr1', 'pve2/vmbr1')
        }
    }
}

Describe 'Connect-HaEdge checks the token and the firewalls before it says connected' -Tag Simulator {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'support/Lab.ps1')
        Start-SimEdge
        # The simulated edge with its firewalls on a closed loopback port: nothing else may be a target.
        $script:Closed = Join-Path $State 'closed-firewalls.json'
        (Get-Content -Raw $Session.Definition.Path) -replace '"host": "192\.0\.2\.[23]"', '"host": "127.0.0.1", "port": 1' | Set-Content $Closed
        $Session | Disconnect-HaEdge -Confirm:$false
        $script:Session = $null
    }
    AfterAll { Stop-SimEdge }

    It 'refuses a wrong token and leaves no session' {
        $wrong = [pscredential]::new('haedge@pve!edge', (ConvertTo-SecureString 'f3b2c1d0-0000-0000-0000-000000000000' -AsPlainText -Force))
        $refusal = { Connect-HaEdge -Path $Closed -Credential $wrong -ErrorAction Stop } | Should -Throw -ErrorId 'EdgeConnectionCheckFailed*' -PassThru
        $refusal.Exception.Message | Should -Match 'Proxmox 127\.0\.0\.1:\d+, 127\.0\.0\.1:\d+: ProxmoxUnauthorized'
        $refusal.CategoryInfo.Category | Should -Be 'ConnectionError'
        Get-HaEdgeSession | Should -BeNullOrEmpty
    }

    It 'refuses firewalls that do not answer, naming each, and connects with -SkipCheck' {
        $token = [pscredential]::new('haedge@pve!edge', (ConvertTo-SecureString $TokenSecret -AsPlainText -Force))
        $refusal = { Connect-HaEdge -Path $Closed -Credential $token -ErrorAction Stop } | Should -Throw -ErrorId 'EdgeConnectionCheckFailed*' -PassThru
        $refusal.Exception.Message | Should -Not -Match 'Proxmox .*: Proxmox'
        $refusal.Exception.Message | Should -Match 'Ssh fw1: \w+'
        $refusal.Exception.Message | Should -Match 'Ssh fw2: \w+'
        Get-HaEdgeSession | Should -BeNullOrEmpty
        $script:Session = Connect-HaEdge -Path $Closed -Credential $token -SkipCheck
        $Session.IsOpen | Should -BeTrue
    }
}

Describe 'Assert-AntiAffinity against the PVE API simulator as Proxmox VE 8 (HA groups, no HA rules)' -Tag Simulator {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'support/Lab.ps1')
        Start-SimEdge -LabProfile pve-8
        function Reset-SimHa8 {
            foreach ($resource in @(Invoke-SimPve -Path '/cluster/ha/resources')) { Invoke-SimPve DELETE "/cluster/ha/resources/$($resource.sid)" | Out-Null }
            foreach ($group in @(Invoke-SimPve -Path '/cluster/ha/groups')) { Invoke-SimPve DELETE "/cluster/ha/groups/$($group.group)" | Out-Null }
        }
        function Add-SimHa8([int] $VmId, [string] $Group) {
            $form = @{ sid = "vm:$VmId"; state = 'started' }
            if ($Group) { $form.group = $Group }
            Invoke-SimPve POST '/cluster/ha/resources' $form | Out-Null
        }
    }

    AfterAll { Stop-SimEdge }

    BeforeEach { Reset-SimHa8 }

    It 'VMs outside HA: no error, placement by configuration, and -Repair writes nothing' {
        Assert-AntiAffinity -PassThru | Get-FindingLine | Sort-Object | Should -Be @(
            'Information PlacementByConfiguration vm:101,vm:102'
            'Information VmTiedToNode fw1'
            'Information VmTiedToNode fw2'
            'Warning TwoVoteCluster haedge-lab'
        )
        { Assert-AntiAffinity -Repair -Confirm:$false -WarningAction SilentlyContinue } | Should -Not -Throw
        @(Invoke-SimPve -Path '/cluster/ha/groups') | Should -HaveCount 0
    }

    It 'HA resources pinned by restricted groups of one node each: no error' {
        Invoke-SimPve POST '/cluster/ha/groups' @{ group = 'fw1-only'; nodes = 'pve1'; restricted = 1 } | Out-Null
        Invoke-SimPve POST '/cluster/ha/groups' @{ group = 'fw2-only'; nodes = 'pve2'; restricted = 1 } | Out-Null
        Add-SimHa8 101 fw1-only
        Add-SimHa8 102 fw2-only
        Assert-AntiAffinity -PassThru | Get-FindingLine | Sort-Object | Should -Be @(
            'Information VmTiedToNode fw1'
            'Information VmTiedToNode fw2'
            'Warning TwoVoteCluster haedge-lab'
        )
    }

    It 'HA resources without groups: HaGroupsDoNotSeparate; -Repair pins each with a restricted group of its node, then passes' {
        Add-SimHa8 101
        Add-SimHa8 102
        $err = { Assert-AntiAffinity -WarningAction SilentlyContinue } | Should -Throw -PassThru
        $err.TargetObject | Get-FindingLine | Should -Be 'Error HaGroupsDoNotSeparate vm:101,vm:102'
        $err.Exception.Message | Should -BeLike '*ha-manager groupadd haedge-101-pve1 --nodes pve1 --restricted 1*'

        { Assert-AntiAffinity -Repair -Confirm:$false -WarningAction SilentlyContinue } | Should -Not -Throw
        @(Invoke-SimPve -Path '/cluster/ha/groups') | Sort-Object group | ForEach-Object { "$($_.group) $($_.nodes) $($_.restricted)" } |
            Should -Be @('haedge-101-pve1 pve1 1', 'haedge-102-pve2 pve2 1')
        @(Invoke-SimPve -Path '/cluster/ha/resources') | Sort-Object sid | ForEach-Object { "$($_.sid) $($_.group)" } |
            Should -Be @('vm:101 haedge-101-pve1', 'vm:102 haedge-102-pve2')
    }

    It 'one HA resource in a group HaEdge did not make: the repair is refused with the reason, nothing is written' {
        Invoke-SimPve POST '/cluster/ha/groups' @{ group = 'both'; nodes = 'pve1,pve2' } | Out-Null
        Add-SimHa8 101 both
        Add-SimHa8 102
        $err = $null
        try { Assert-AntiAffinity -Repair -Confirm:$false -ErrorVariable refusal -ErrorAction SilentlyContinue -WarningAction SilentlyContinue }
        catch { $err = $_ }
        $err.TargetObject.Code | Should -Be @('HaGroupsDoNotSeparate')
        $refusal[0].FullyQualifiedErrorId | Should -BeLike 'AntiAffinityRepairConflict,*'
        $refusal[0].Exception.Message | Should -BeLike "vm:101 (fw1) is in HA group 'both'*"
        @(Invoke-SimPve -Path '/cluster/ha/groups').group | Should -Be @('both')
    }
}
