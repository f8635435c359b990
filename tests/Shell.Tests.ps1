#Requires -Modules Pester
# Issue 14, everyday shell use: names complete on Tab from the session's definition (no network call), durations bind
# as people type them, name parameters match the same way everywhere, and the natural pipelines bind. The session
# points at closed loopback ports: nothing here needs a lab, and a read fails fast where one is attempted.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')

    $script:Definition = Join-Path $TestDrive 'closed-edge.json'
    $pin = (@('AB') * 32) -join ':'
    @{
        name      = 'closed-edge'
        proxmox   = @{
            endpoints = @('https://127.0.0.1:1'); tokenId = 'haedge@pve!edge'; certificateSha256 = @{ 'https://127.0.0.1:1' = $pin }
            timeoutSeconds = 2
            ssh = @{ user = 'root'; passwordVariable = 'HAEDGE_TEST_NONE'; nodes = @{ pve1 = @{ host = '127.0.0.1'; hostKeySha256 = 'SHA256:' + ('E' * 43) }; pve3 = @{ host = '127.0.0.1'; hostKeySha256 = 'SHA256:' + ('F' * 43) } } }
        }
        firewalls = @(
            @{ name = 'fw1'; role = 'primary'; vmId = 101; node = 'pve1'; ssh = @{ host = '127.0.0.1'; port = 1; user = 'admin'; passwordVariable = 'HAEDGE_TEST_NONE' } }
            @{ name = 'fw2'; role = 'secondary'; vmId = 102; node = 'pve2'; ssh = @{ host = '127.0.0.1'; port = 1; user = 'admin'; passwordVariable = 'HAEDGE_TEST_NONE' } }
        )
        segments  = @(
            @{ name = 'WAN-Fibre'; kind = 'wan'; net = 0; bridge = 'vmbr0'; carp = $true; addressing = 'static' }
            @{ name = 'LAN'; kind = 'lan'; net = 1; bridge = 'vmbr1'; carp = $true }
            @{ name = 'VLAN20'; kind = 'vlan'; net = 1; bridge = 'vmbr1'; vlan = 20; carp = $true }
            @{ name = 'VLAN30'; kind = 'vlan'; net = 1; bridge = 'vmbr1'; vlan = 30; carp = $true }
        )
    } | ConvertTo-Json -Depth 8 | Set-Content $Definition
    $script:Token = [pscredential]::new('haedge@pve!edge', (ConvertTo-SecureString 'f3b2c1d0-aaaa-bbbb-cccc-000000000001' -AsPlainText -Force))
    $script:SshLogin = [pscredential]::new('admin', (ConvertTo-SecureString 'not-used' -AsPlainText -Force))

    function Get-Completion([string] $Line) {
        @((TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches | ForEach-Object CompletionText)
    }

    # The What if: lines a command prints (ShouldProcess writes them to the host, so a transcript reads them).
    function Get-WhatIf([scriptblock] $Command) {
        $transcript = Join-Path $TestDrive "whatif-$([guid]::NewGuid().ToString('n')).txt"
        Start-Transcript -Path $transcript | Out-Null
        try { & $Command | Out-Null }
        finally { Stop-Transcript | Out-Null }
        @(Get-Content $transcript | Where-Object { $_ -like 'What if:*' })
    }
}

Describe 'Tab completes names from the session''s definition' -Tag Unit {
    BeforeAll {
        $script:Session = Connect-HaEdge -SkipCheck -Path $Definition -Credential $Token -SshCredential $SshLogin
        # Files that would be offered if completion fell back to paths.
        Push-Location $TestDrive
        New-Item -ItemType File -Force 'fw-notes.txt', 'pve-notes.txt', 'VLAN-notes.txt', 'closed-notes.txt' | Out-Null
    }
    AfterAll {
        Pop-Location
        Get-HaEdgeSession | Disconnect-HaEdge -Confirm:$false
    }

    It 'completes firewall names on every -Firewall' -ForEach @(
        @{ Command = 'Get-CarpStatus' }, @{ Command = 'Get-HaEdgeVm' }, @{ Command = 'Set-CarpMaintenance -Enable' },
        @{ Command = 'Get-PfGateway' }, @{ Command = 'Get-PfsyncStatus' }
    ) {
        Get-Completion "$Command -Firewall " | Should -Be @('fw1', 'fw2')
        Get-Completion "$Command -Firewall fw2" | Should -Be @('fw2')
    }

    It 'completes the definition''s node names on every node parameter' -ForEach @(
        @{ Line = 'Suspend-HaEdgeNode -Node ' }, @{ Line = 'Resume-HaEdgeNode -Node ' }, @{ Line = 'Get-HaEdgeNode ' }, @{ Line = 'Get-HaEdgeVm -Node ' }
    ) {
        Get-Completion $Line | Should -Be @('pve1', 'pve2', 'pve3')
    }

    It 'completes segment names, also after a prefix' {
        Get-Completion 'Test-HaEdgeSymmetry -Segment ' | Should -Be @('WAN-Fibre', 'LAN', 'VLAN20', 'VLAN30')
        Get-Completion 'Test-HaEdgeSymmetry -Segment vl' | Should -Be @('VLAN20', 'VLAN30')
        Get-Completion 'Test-HaEdgeSymmetry -Ipv6CarpSegment L' | Should -Be @('LAN')
    }

    It 'completes open sessions by edge name on -Session, and binds the name' {
        Get-Completion 'Disconnect-HaEdge -Session ' | Should -Be @('closed-edge')
        Get-Completion 'Get-CarpStatus -Session ' | Should -Be @('closed-edge')
        Disconnect-HaEdge -Session closed-edge -WhatIf
        $Session.IsOpen | Should -BeTrue
    }

    It 'completes from the session named with -Session, not only the current one' {
        $other = Join-Path $TestDrive 'other-edge.json'
        (Get-Content -Raw $Definition) -replace '"closed-edge"', '"other-edge"' -replace '"fw1"', '"edge-a"' | Set-Content $other
        $second = Connect-HaEdge -SkipCheck -Path $other -Credential $Token -SshCredential $SshLogin
        try {
            Get-Completion 'Get-CarpStatus -Firewall ' | Should -Be @('edge-a', 'fw2')
            Get-Completion "Get-CarpStatus -Session closed-edge -Firewall " | Should -Be @('fw1', 'fw2')
            Get-Completion "Get-CarpStatus -Session $($Session.Id) -Firewall " | Should -Be @('fw1', 'fw2')
            # Several sessions: the names of every one, each once.
            Get-Completion 'Get-CarpStatus -Session closed-edge, other-edge -Firewall ' | Should -Be @('fw1', 'fw2', 'edge-a')
            Get-Completion 'Get-CarpStatus -Session closed-edge, other-edge -Firewall e' | Should -Be @('edge-a')
        }
        finally { Disconnect-HaEdge -Session $second -Confirm:$false }
    }

    It 'offers no file names for a gateway before the session has read any' {
        Get-Completion 'Test-HaFailover -WanGateway ' | Should -Not -Contain './fw-notes.txt'
        Get-Completion 'Test-HaFailover -WanGateway ' | Where-Object { $_ -like '*notes*' } | Should -BeNullOrEmpty
    }

    It 'answers Tab without a network call' {
        $clock = [Diagnostics.Stopwatch]::StartNew()
        foreach ($line in 'Get-CarpStatus -Firewall ', 'Suspend-HaEdgeNode -Node ', 'Test-HaEdgeSymmetry -Segment ') { Get-Completion $line | Out-Null }
        # A Proxmox or SSH attempt would be a refused connection at least; the definition answers in well under a second.
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 5
    }
}

Describe 'Durations bind as people type them' -Tag Unit {
    BeforeAll { $script:Session = Connect-HaEdge -SkipCheck -Path $Definition -Credential $Token -SshCredential $SshLogin }
    AfterAll { Get-HaEdgeSession | Disconnect-HaEdge -Confirm:$false }

    It 'reads -Settle 5 as five seconds in the -WhatIf plan' {
        $plan = Get-WhatIf { Test-HaFailover -Scenario Maintenance -Settle 5 -WhatIf }
        $plan -join "`n" | Should -Match 'hold 5\.0 s'
        $plan -join "`n" | Should -Not -Match 'hold 0\.0 s'
    }

    It 'takes <Value> for -Settle as <Seconds> s' -ForEach @(
        @{ Value = 5; Seconds = '5.0' }, @{ Value = 1.5; Seconds = '1.5' }, @{ Value = '200ms'; Seconds = '0.2' },
        @{ Value = '2m'; Seconds = '120.0' }, @{ Value = '1.5s'; Seconds = '1.5' }, @{ Value = '00:00:05'; Seconds = '5.0' },
        @{ Value = [timespan]::FromSeconds(7); Seconds = '7.0' }
    ) {
        $plan = Get-WhatIf { Test-HaFailover -Scenario Maintenance -Settle $Value -WhatIf }
        $plan -join "`n" | Should -Match "then hold $([regex]::Escape($Seconds)) s"
    }

    It 'refuses -<Parameter> <Value> below its floor, naming the floor' -ForEach @(
        @{ Parameter = 'ProbeInterval'; Value = '5ms'; Floor = '20 ms' }
        @{ Parameter = 'RestoreTimeout'; Value = '0.5'; Floor = '1 s' }
        @{ Parameter = 'MaxOutage'; Value = '50ms'; Floor = '100 ms' }
    ) {
        $arguments = @{ Scenario = 'Maintenance'; WhatIf = $true; $Parameter = $Value }
        $err = { Test-HaFailover @arguments } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'ParameterArgumentTransformationError,*'
        $err.Exception.Message | Should -BeLike "*$Parameter*minimum of $Floor*"
    }

    It 'refuses text that is no duration with the forms it takes, not a .NET parse error' {
        $err = { Test-HaFailover -Scenario Maintenance -Settle 'five' -WhatIf } | Should -Throw -PassThru
        $err.Exception.Message | Should -BeLike "*'five' is not a duration; give a TimeSpan, a number of seconds*200ms*"
    }

    It 'has one timeout convention: -Timeout a duration, -TimeoutSec its alias, on <Name>' -ForEach @(
        @{ Name = 'Get-CarpStatus' }, @{ Name = 'Get-PfGateway' }, @{ Name = 'Get-PfsyncStatus' }, @{ Name = 'Test-HaEdge' },
        @{ Name = 'Set-CarpMaintenance' }, @{ Name = 'Sync-PfConfig' }, @{ Name = 'Suspend-HaEdgeNode' }, @{ Name = 'Resume-HaEdgeNode' }
    ) {
        $parameter = (Get-Command $Name).Parameters['Timeout']
        $parameter.ParameterType | Should -Be ([timespan])
        $parameter.Aliases | Should -Contain 'TimeoutSec'
        $parameter.Attributes.Where({ $_ -is [HaEdge.Commands.DurationAttribute] }).Count | Should -Be 1
    }

    It 'binds -TimeoutSec 30 and -Timeout 30s alike, and refuses one below 1 s' {
        $attribute = (Get-Command Get-CarpStatus).Parameters['Timeout'].Attributes.Where({ $_ -is [HaEdge.Commands.DurationAttribute] })[0]
        $attribute.Transform($ExecutionContext, 30) | Should -Be ([timespan]::FromSeconds(30))
        $attribute.Transform($ExecutionContext, '30s') | Should -Be ([timespan]::FromSeconds(30))
        { Get-CarpStatus -TimeoutSec 0.5 } | Should -Throw '*minimum of 1 s*'
        { Get-CarpStatus -Timeout 10m } | Should -Throw '*maximum of 5 min*'
    }

    It 'puts every duration parameter of the module through the one transformation' {
        $durations = foreach ($command in Get-Command -Module HaEdge) {
            foreach ($parameter in $command.Parameters.Values | Where-Object ParameterType -eq ([timespan])) {
                [pscustomobject]@{ Name = "$($command.Name) -$($parameter.Name)"; Transformed = $parameter.Attributes.Where({ $_ -is [HaEdge.Commands.DurationAttribute] }).Count }
            }
        }
        $durations.Count | Should -BeGreaterThan 10
        $durations | Where-Object Transformed -ne 1 | ForEach-Object Name | Should -BeNullOrEmpty
    }
}

Describe 'Name parameters match the same way everywhere' -Tag Unit {
    BeforeAll { $script:Session = Connect-HaEdge -SkipCheck -Path $Definition -Credential $Token -SshCredential $SshLogin }
    AfterAll { Get-HaEdgeSession | Disconnect-HaEdge -Confirm:$false }

    It 'Compare-PfConfig -Section with an unknown name is an error listing the known sections' {
        $err = { Compare-PfConfig -Section filtre } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'UnknownConfigSection,HaEdge.Commands.ComparePfConfigCommand'
        $err.Exception.Message | Should -BeLike "*no config section 'filtre'*aliases*filter*nat*system/user*"
    }

    It 'a wildcard -Section that matches no synced section selects nothing and is no error' {
        Compare-PfConfig -Section 'zz*' -ErrorAction Stop | Should -BeNullOrEmpty
    }

    It 'a plain firewall name that is not in the definition is FirewallNotFound on <Line>' -ForEach @(
        @{ Line = 'Get-CarpStatus -Firewall fw9' }, @{ Line = 'Get-HaEdgeVm fw9' }, @{ Line = 'Get-PfGateway -Firewall fw9' },
        @{ Line = 'Get-PfsyncStatus -Firewall fw9' }, @{ Line = 'Set-CarpMaintenance -Enable -Firewall fw9 -WhatIf' }
    ) {
        $err = { Invoke-Expression $Line } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'FirewallNotFound,*'
        $err.Exception.Message | Should -BeLike '*fw1 and fw2*'
    }

    It 'a wildcard that matches no firewall selects nothing, without reading anything: <Line>' -ForEach @(
        @{ Line = 'Get-CarpStatus -Firewall zz*' }, @{ Line = 'Get-HaEdgeVm zz*' }, @{ Line = 'Get-PfGateway -Firewall zz*' }, @{ Line = 'Get-PfsyncStatus zz*' }
    ) {
        Invoke-Expression "$Line -ErrorAction Stop" | Should -BeNullOrEmpty
    }

    It 'a wildcard firewall name selects its firewalls: only fw2''s read fails, not fw1''s' {
        Get-PfsyncStatus -Firewall 'fw[2]' -ErrorVariable failures -ErrorAction SilentlyContinue | Out-Null
        @($failures).Count | Should -BeGreaterThan 0
        $failures.TargetObject | Sort-Object -Unique | Should -Be 'fw2'
    }

    It 'Test-HaEdgeSymmetry: a wildcard segment matching nothing is no error, a plain one is SegmentNotFound' {
        { Test-HaEdgeSymmetry -Segment 'DMZ*' -ErrorAction Stop } | Should -Not -Throw
        { Test-HaEdgeSymmetry -Segment DMZ } | Should -Throw -ErrorId 'SegmentNotFound,HaEdge.Commands.TestHaEdgeSymmetryCommand'
    }

    It 'Get-PfGateway and Get-PfsyncStatus have -Firewall' {
        (Get-Command Get-PfGateway).Parameters.Keys | Should -Contain 'Firewall'
        (Get-Command Get-PfsyncStatus).Parameters.Keys | Should -Contain 'Firewall'
    }
}

Describe 'The natural pipelines bind, by value and by property name' -Tag Unit {
    BeforeAll {
        $script:Session = Connect-HaEdge -SkipCheck -Path $Definition -Credential $Token -SshCredential $SshLogin
        # The objects the reads return, as a script would hold them.
        $script:Vm2 = [HaEdge.Core.Inventory.HaEdgeVm]@{ Firewall = 'fw2'; Node = 'pve2'; Name = 'edge-fw2'; VmId = 102 }
        $script:Node1 = [HaEdge.Core.Inventory.HaEdgeNode]@{ Node = 'pve1'; Firewalls = [string[]]@('fw1') }

        # What a command did with its input: the targets of its errors (each firewall's read fails on the closed port).
        function Get-FailedTarget([scriptblock] $Pipeline) {
            $failures = try { @(& $Pipeline 2>&1 | Where-Object { $_ -is [Management.Automation.ErrorRecord] }) } catch { @($_) }
            $failures | ForEach-Object { [pscustomobject]@{ Id = ($_.FullyQualifiedErrorId -split ',')[0]; Target = "$($_.TargetObject)" } }
        }
    }
    AfterAll { Get-HaEdgeSession | Disconnect-HaEdge -Confirm:$false }

    It '''fw1'' | <Command> reads fw1 only (by value)' -ForEach @(
        @{ Command = 'Get-CarpStatus' }, @{ Command = 'Get-PfGateway' }, @{ Command = 'Get-PfsyncStatus' }
    ) {
        $seen = Get-FailedTarget { 'fw1' | & $Command }
        $seen.Id | Should -Not -Contain 'InputObjectNotBound'
        $seen.Target | Sort-Object -Unique | Should -Be 'fw1'
    }

    It 'Get-HaEdgeVm fw2 | <Command> reads fw2 only (the Firewall property)' -ForEach @(
        @{ Command = 'Get-CarpStatus' }, @{ Command = 'Get-PfGateway' }, @{ Command = 'Get-PfsyncStatus' }
    ) {
        $seen = Get-FailedTarget { $Vm2 | & $Command }
        $seen.Id | Should -Not -Contain 'InputObjectNotBound'
        $seen.Target | Sort-Object -Unique | Should -Be 'fw2'
    }

    It 'Get-HaEdgeNode pve1 | Get-HaEdgeVm binds the Node property and goes to Proxmox once' {
        $seen = Get-FailedTarget { $Node1, $Node1 | Get-HaEdgeVm }
        $seen.Id | Should -Not -Contain 'InputObjectNotBound'
        $seen.Id | Should -Not -Contain 'FirewallNotFound'
        @($seen).Count | Should -Be 1 -Because 'the VMs are read once for the whole pipeline'
    }

    It 'Get-HaEdgeVm fw2 | Get-HaEdgeNode binds the VM''s Node, not its VM name' {
        # PowerShell binds the property named like the parameter before one named like an alias: the parameter is Node
        # (a VM's Node), and Name (a VM's name) is only its alias for scripts that wrote -Name.
        $parameter = (Get-Command Get-HaEdgeNode).Parameters['Node']
        $parameter.Aliases | Should -Be @('Name')
        $parameter.ParameterSets.Values.ValueFromPipelineByPropertyName | Should -Contain $true
        $seen = Get-FailedTarget { $Vm2 | Get-HaEdgeNode }
        $seen.Id | Should -Not -Contain 'InputObjectNotBound'
        $seen.Id | Should -Not -Contain 'NodeNotFound'
    }

    It 'refuses a piped object without the name instead of binding its text: <Command>' -ForEach @(
        @{ Command = 'Get-CarpStatus'; Arguments = @{} }, @{ Command = 'Get-PfGateway'; Arguments = @{} }
        @{ Command = 'Set-CarpMaintenance'; Arguments = @{ Enable = $true; WhatIf = $true } }
    ) {
        # A Proxmox node has no Firewall: PowerShell would otherwise bind 'HaEdgeNode { Node = pve1, ... }' as its name.
        $seen = Get-FailedTarget { $Node1 | & $Command @Arguments -ErrorAction Stop }
        $seen.Id | Should -Be 'ParameterArgumentTransformationError'
        $seen.Id | Should -Not -Contain 'FirewallNotFound'
    }

    It 'takes HaEdge objects as names on the command line too: Get-CarpStatus -Firewall $vms' {
        $seen = Get-FailedTarget { Get-CarpStatus -Firewall @($Vm2) }
        $seen.Target | Sort-Object -Unique | Should -Be 'fw2'
    }

    It '''fw2'' | Set-CarpMaintenance -Enable -WhatIf and ''pve1'' | Suspend-HaEdgeNode bind by value' {
        $seen = Get-FailedTarget { 'fw9' | Set-CarpMaintenance -Enable -WhatIf }
        $seen.Id | Should -Contain 'FirewallNotFound'
        $seen = Get-FailedTarget { 'pve9' | Suspend-HaEdgeNode -WhatIf }
        $seen.Id | Should -Not -Contain 'InputObjectNotBound'
    }
}

BeforeDiscovery {
    # Every table and list view the module ships, read from the built module's own format file.
    $modulePath = if ($env:HAEDGE_MODULE_PATH) { $env:HAEDGE_MODULE_PATH } else { Join-Path $PSScriptRoot '../output/HaEdge' }
    $format = [xml](Get-Content -Raw (Join-Path $modulePath 'HaEdge.Format.ps1xml'))
    $script:Views = @(foreach ($view in $format.Configuration.ViewDefinitions.View) {
            $columns = if ($view.TableControl) {
                $items = @($view.TableControl.TableRowEntries.TableRowEntry.TableColumnItems.TableColumnItem)
                $headers = @($view.TableControl.TableHeaders.TableColumnHeader)
                for ($i = 0; $i -lt $items.Count; $i++) { if ($headers[$i].Label) { $headers[$i].Label } else { $items[$i].PropertyName } }
            }
            elseif ($view.ListControl) {
                foreach ($item in $view.ListControl.ListEntries.ListEntry.ListItems.ListItem) { if ($item.Label) { $item.Label } else { $item.PropertyName } }
            }
            if ($columns) { @{ TypeName = $view.ViewSelectedBy.TypeName; Columns = @($columns) } }
        })
}

Describe 'Every column is named as the property a script filters on' -Tag Unit {
    It '<TypeName> shows only columns named like its properties' -ForEach $Views {
        $properties = ([type]$TypeName).GetProperties().Name
        $Columns | Where-Object { $_ -notin $properties } | Should -BeNullOrEmpty -Because "Where-Object <column> must find what the table shows"
    }

    It 'a computed column is a property too: <Name>' -ForEach @(
        # Built in the test (the module's types do not exist yet when Pester discovers the cases).
        @{ Name = 'HaEdgeVm.MacFilter'; Make = { [HaEdge.Core.Inventory.HaEdgeVm]@{ FirewallOptions = [HaEdge.Core.Proxmox.VmFirewallOptions]@{ Enable = $true } } }; Property = 'MacFilter'; Expected = $true }
        @{ Name = 'HaEdgeVm.MacFilter, firewall off'; Make = { [HaEdge.Core.Inventory.HaEdgeVm]@{ FirewallOptions = [HaEdge.Core.Proxmox.VmFirewallOptions]@{ Enable = $false } } }; Property = 'MacFilter'; Expected = $false }
        @{ Name = 'ConnectionCheck.Identity'; Make = { [HaEdge.Core.Inventory.ConnectionCheck]@{ HostKey = 'SHA256:abc'; Detail = 'admin@fw1' } }; Property = 'Identity'; Expected = 'SHA256:abc' }
    ) {
        (& $Make).$Property | Should -Be $Expected
    }

    It 'Masters counts each firewall''s master VIPs, by name' {
        [HaEdge.Core.Carp.CarpVipStatus[]] $rows = @(
            [HaEdge.Core.Carp.CarpVipStatus]@{ Firewall = 'fw2'; Vhid = 1; State = 'Master' }
            [HaEdge.Core.Carp.CarpVipStatus]@{ Firewall = 'fw1'; Vhid = 1; State = 'Backup' }
            [HaEdge.Core.Carp.CarpVipStatus]@{ Firewall = 'fw1'; Vhid = 2; State = 'Master' }
            [HaEdge.Core.Carp.CarpVipStatus]@{ Firewall = 'fw2'; Vhid = 3; State = 'Master' }
        )
        ([HaEdge.Core.Carp.CarpMaintenanceResult]@{ Status = $rows }).Masters | Should -Be 'fw1: 1 VIP, fw2: 2 VIPs'
        ([HaEdge.Core.Runbooks.HaEdgeNodeMaintenanceResult]@{ Vips = $rows }).Masters | Should -Be 'fw1: 1 VIP, fw2: 2 VIPs'
    }
}

Describe 'Test-HaEdge says why on screen' -Tag Unit {
    BeforeAll { $script:Session = Connect-HaEdge -SkipCheck -Path $Definition -Credential $Token -SshCredential $SshLogin }
    AfterAll { Get-HaEdgeSession | Disconnect-HaEdge -Confirm:$false }

    It 'shows each reason once, after every check it failed' {
        # Every port is closed: the four Proxmox checks fail with one and the same message.
        $readiness = Test-HaEdge -Session $Session -WarningAction SilentlyContinue
        $readiness.Ready | Should -BeFalse
        $proxmox = @($readiness.Checks | Where-Object Check -In 'Quorum', 'VmPlacement', 'AntiAffinity', 'Symmetry' | ForEach-Object { $_.Findings.Message } | Sort-Object -Unique)
        $proxmox.Count | Should -Be 1 -Because 'the four Proxmox checks share one cause'
        $text = $readiness | Out-String -Width 400
        ([regex]::Matches($text, [regex]::Escape($proxmox[0]))).Count | Should -Be 1
        $text | Should -Match ('Quorum, VmPlacement, AntiAffinity, Symmetry(, \w+)*: ' + [regex]::Escape($proxmox[0]))
        foreach ($reason in $readiness.Reasons) { $text | Should -Match ([regex]::Escape($reason)) }
    }
}

Describe 'Results export with their values' -Tag Unit {
    BeforeAll {
        $script:Rows = @(
            [HaEdge.Core.Carp.CarpVipStatus]@{ Firewall = 'fw1'; Vhid = 1; State = 'Master'; Addresses = [string[]]@('10.0.10.1/24', '10.0.10.2/24'); Reasons = [string[]]@('fw1 is demoted.') }
            [HaEdge.Core.Pfsync.PfsyncNodeStatus]@{ Firewall = 'fw1'; CreatorIds = [string[]]@('1a2b3c4d', '5e6f7a8b') }
            [HaEdge.Core.Gateways.PfGateway]@{ Firewall = 'fw1'; Name = 'WAN_FIBRE'; Groups = [HaEdge.Core.Gateways.PfGatewayGroupTier[]]@([HaEdge.Core.Gateways.PfGatewayGroupTier]@{ Group = 'WANFAILOVER'; Tier = 1 }) }
            [HaEdge.Core.Inventory.HaEdgeVm]@{ Firewall = 'fw1'; Nics = [HaEdge.Core.Proxmox.NetDevice[]]@([HaEdge.Core.Proxmox.NetDevice]@{ Index = 1; Model = 'virtio'; Bridge = 'vmbr1' }); FirewallOptions = [HaEdge.Core.Proxmox.VmFirewallOptions]@{ Enable = $true } }
            [HaEdge.Core.Inventory.HaEdgeNode]@{ Node = 'pve1'; Firewalls = [string[]]@('fw1') }
        )
    }

    It 'writes no type names into CSV: <_>' -ForEach 'CarpVipStatus', 'PfsyncNodeStatus', 'PfGateway', 'HaEdgeVm', 'HaEdgeNode' {
        $typeName = $_
        $row = $Rows | Where-Object { $_.GetType().Name -eq $typeName }
        $cells = ($row | ConvertTo-Csv | ConvertFrom-Csv).PSObject.Properties.Value
        $cells | Where-Object { $_ -match 'System\.|`1\[|\{ \w+ = ' } | Should -BeNullOrEmpty
    }

    It 'writes list values as the values, joined' {
        $csv = $Rows | Where-Object { $_ -is [HaEdge.Core.Carp.CarpVipStatus] } | ConvertTo-Csv | ConvertFrom-Csv
        $csv.Addresses | Should -Be '10.0.10.1/24, 10.0.10.2/24'
        $csv.Reasons | Should -Be 'fw1 is demoted.'
        ($Rows | Where-Object { $_ -is [HaEdge.Core.Inventory.HaEdgeVm] } | ConvertTo-Csv | ConvertFrom-Csv).FirewallOptions | Should -Match '^enable=1 macfilter=1 '
    }

    It 'keeps lists as arrays of plain values in JSON' {
        $json = $Rows[0] | ConvertTo-Json | ConvertFrom-Json
        $json.Addresses | Should -Be @('10.0.10.1/24', '10.0.10.2/24')
    }

    It 'ConvertTo-HaEdgeJson writes enums by name, durations as text a [TimeSpan] reads back, lists as arrays' {
        $readiness = [HaEdge.Core.Runbooks.HaEdgeReadiness]@{
            Edge = 'hel'; Elapsed = [TimeSpan]::FromMilliseconds(1520)
            Checks = [HaEdge.Core.Runbooks.HaEdgeCheckResult[]]@([HaEdge.Core.Runbooks.HaEdgeCheckResult]@{ Check = 'Carp'; Verdict = 'Failed'; Elapsed = [TimeSpan]::FromSeconds(2) })
        }
        $text = $readiness | ConvertTo-HaEdgeJson
        $text | Should -Match '"Verdict": "Failed"'
        $text | Should -Not -Match '"Ticks"'
        $back = $text | ConvertFrom-Json
        [TimeSpan]$back.Elapsed | Should -Be ([TimeSpan]::FromMilliseconds(1520))
        $back.Checks[0].Check | Should -Be 'Carp'
        ($readiness | ConvertTo-Json) | Should -Match '"Ticks"' -Because 'PowerShell''s own ConvertTo-Json is why this cmdlet exists'

        $rows = $Rows | ConvertTo-HaEdgeJson | ConvertFrom-Json
        $rows.Count | Should -Be $Rows.Count
        $rows[0].State | Should -Be 'Master'
        $rows[0].Addresses | Should -Be @('10.0.10.1/24', '10.0.10.2/24')
        ConvertTo-HaEdgeJson -InputObject $Rows -Compress | Should -BeExactly ($Rows | ConvertTo-HaEdgeJson -Compress)
    }

    It 'ConvertTo-HaEdgeJson takes property bags made from results and deserialized results, one line with -Compress' {
        $Rows[0] | Select-Object Firewall, Vhid, State | ConvertTo-HaEdgeJson -Compress | Should -BeExactly '{"Firewall":"fw1","Vhid":1,"State":"Master"}'
        $Rows[0] | Select-Object Firewall | ConvertTo-HaEdgeJson -AsArray -Compress | Should -BeExactly '[{"Firewall":"fw1"}]'
        $file = Join-Path $TestDrive 'rows.clixml'
        $Rows[0] | Export-Clixml $file
        (Import-Clixml $file | ConvertTo-HaEdgeJson | ConvertFrom-Json).State | Should -Be 'Master'
    }

    It 'ConvertTo-HaEdgeJson refuses what is not a result, by name and type, and writes the rest' {
        $text = @($Rows[0], (Get-Item $TestDrive)) | ConvertTo-HaEdgeJson -Compress -ErrorVariable err -ErrorAction SilentlyContinue
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -Be 'HaEdgeJsonInputNotSupported,HaEdge.Commands.ConvertToHaEdgeJsonCommand'
        "$($err[0].CategoryInfo.Category)" | Should -Be 'InvalidType'
        $err[0].Exception.Message | Should -Match 'System\.IO\.DirectoryInfo.*Use ConvertTo-Json'
        ($text | ConvertFrom-Json).Firewall | Should -Be 'fw1'
    }
}
