#Requires -Modules Pester
# The pfSense side: ConvertFrom-PfSenseOutput over the real samples (offline), and Get-CarpStatus,
# Set-CarpMaintenance, Get-PfsyncStatus and Get-PfGateway against the rehearsal lab over real SSH.

BeforeDiscovery {
    $script:LabPossible = $IsLinux -and ((& id -u) -eq '0')
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:Real = Join-Path $PSScriptRoot 'fixtures/real'

    # A real sample's body: its provenance header ends at the first blank line.
    function Get-RealSample([string] $RelativePath) {
        $lines = Get-Content (Join-Path $Real $RelativePath)
        $start = [array]::IndexOf($lines, '') + 1
        $lines[$start..($lines.Count - 1)]
    }
}

Describe 'ConvertFrom-PfSenseOutput' -Tag Unit {
    It 'reads the real OPNsense fw1 carp lines line by line' {
        $vips = (Get-RealSample 'ifconfig-carp/opnsense-core-3671-fw1-grep-master.txt' | ConvertFrom-PfSenseOutput -Kind Ifconfig).Vips
        $vips.Vhid | Should -Be 3, 1
        $vips.State | ForEach-Object { "$_" } | Should -Be 'Master', 'Master'
        $vips.AdvSkew | Should -Be 0, 0
        $vips.AdvBase | Should -Be 1, 1
    }

    It 'reads the real BSDRP backup as one string, with interfaces and addresses' {
        $text = (Get-RealSample 'ifconfig-carp/bsdrp-pf-carp-lab-vm3-backup.txt') -join "`n"
        $out = $text | ConvertFrom-PfSenseOutput -Kind Ifconfig
        $out.Interfaces.Name | Should -Be 'vtnet3', 'vtnet4'
        $vip = $out.Vips | Where-Object Vhid -eq 2
        $vip.Interface | Should -Be 'vtnet3'
        "$($vip.State)" | Should -Be 'Backup'
        $vip.AdvSkew | Should -Be 200
        $vip.Addresses.Address | Should -Be '2001:db8:10::fe'
        $vip.Addresses.PrefixLength | Should -Be 128
    }

    It 'gives the same object line by line as whole' {
        $lines = Get-RealSample 'ifconfig-carp/bsdrp-pf-carp-lab-vm2-master.txt'
        $a = $lines | ConvertFrom-PfSenseOutput -Kind Ifconfig
        $b = ($lines -join "`n") | ConvertFrom-PfSenseOutput -Kind Ifconfig
        ($a.Vips | ConvertTo-Json -Depth 4) | Should -Be ($b.Vips | ConvertTo-Json -Depth 4)
    }

    It 'reads the real carp sysctls' {
        $sysctl = Get-RealSample 'carp-sysctl/opnsense-core-3671-fw1-sysctl-net.inet.carp.txt' | ConvertFrom-PfSenseOutput -Kind CarpSysctl
        $sysctl.Allow | Should -BeTrue
        $sysctl.Preempt | Should -BeTrue
        $sysctl.Demotion | Should -Be 0
        $sysctl.Log | Should -Be 1
        $sysctl.InterfaceDownDemotionFactor | Should -Be 240
        $sysctl.SendErrorDemotionFactor | Should -Be 240
        $sysctl.Dscp | Should -BeNullOrEmpty
    }

    It 'reads the real pfctl -si' {
        $info = Get-RealSample 'pfctl-si/telegraf-pf-test-freebsd-26min.txt' | ConvertFrom-PfSenseOutput -Kind PfctlInfo
        $info.Enabled | Should -BeTrue
        $info.StateEntries | Should -Be 2
        $info.Debug | Should -Be 'Urgent'
        $info.Uptime | Should -Be ([timespan]'00:26:05')
        $info.StateSearches.Total | Should -Be 11325
    }

    It 'reads the real pfctl -v -si host id' {
        $info = Get-RealSample 'pfctl-si/tykling-pfctl-exporter-freebsd-vsi-full.txt' | ConvertFrom-PfSenseOutput -Kind PfctlInfo
        $info.HostId | Should -Be '68d01842'
        $info.Uptime | Should -Be ([timespan]'25.16:23:32')
    }

    It 'reads the real pfsync0 of <Name>' -ForEach @(
        @{ Name = 'FreeBSD 13.2'; File = 'pfsync/unixwinbsd-freebsd13.2-pfsync0-unconfigured.txt'; Peer = '0.0.0.0'; Defer = $false }
        @{ Name = 'pfSense 2.1.3'; File = 'pfsync/htb-sense-pfsense-2.1.3-ifconfig-pfsync0.txt'; Peer = '224.0.0.240'; Defer = $null }
    ) {
        $pfsync = Get-RealSample $File | ConvertFrom-PfSenseOutput -Kind Pfsync
        $pfsync.Configured | Should -BeFalse
        $pfsync.SyncDev | Should -BeNullOrEmpty
        $pfsync.SyncPeer | Should -Be $Peer
        $pfsync.MaxUpdates | Should -Be 128
        $pfsync.SyncOk | Should -BeTrue
        $pfsync.Defer | Should -Be $Defer
    }

    It 'reads the real gateway status table, one object per gateway' {
        $gateways = Get-RealSample 'gateway-status/gerrrt-homelab-gatewaystatus-live-table.txt' | ConvertFrom-PfSenseOutput -Kind GatewayStatus
        $gateways.Name | Should -Be 'WAN_DHCP6', 'WAN_DHCP', 'LAN_DHCP'
        $wan = $gateways[1]
        $wan.MonitorIp | Should -Be '1.1.1.1'
        $wan.SourceIp | Should -Be '174.16.0.1'
        $wan.DelayMs | Should -Be 13.707
        $wan.StdDevMs | Should -Be 4.021
        $wan.LossPercent | Should -Be 0
        "$($wan.Health)" | Should -Be 'Online'
        $gateways[0].Status | Should -Be 'down'
        $gateways[0].Substatus | Should -Be 'highloss'
        $gateways[0].LossPercent | Should -Be 100
        $gateways[2].MonitorDisabled | Should -BeTrue
    }

    It 'Item 8: skips a line that is no part of the output with a warning and reads the rest' {
        # The real sample with a pasted prompt inserted here (the sample on disk stays as captured).
        $text = @('[2.7.2-RELEASE][admin@fw1.home.arpa]/root: ifconfig | grep carp') + @(Get-RealSample 'ifconfig-carp/opnsense-core-3671-fw1-grep-master.txt')
        $out = $text | ConvertFrom-PfSenseOutput -Kind Ifconfig -WarningVariable warnings -WarningAction SilentlyContinue
        $out.Vips.Vhid | Should -Be 3, 1
        $warnings.Count | Should -Be 1
        "$($warnings[0])" | Should -BeLike "Skipped line 1 '*' (neither an interface header nor an indented detail line); the rest was read."
    }

    It 'names the kind when the text is garbage' {
        $out = 'this is not ifconfig output' | ConvertFrom-PfSenseOutput -Kind Ifconfig -ErrorAction SilentlyContinue -ErrorVariable err
        $out | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be 'PfSenseOutputUnparsable,HaEdge.Commands.ConvertFromPfSenseOutputCommand'
        "$($err[0].CategoryInfo.Category)" | Should -Be 'InvalidData'
        $err[0].Exception.Message | Should -BeLike 'Cannot read the ifconfig output*'
    }

    It 'names the kind when the text is truncated or empty: <Kind>' -ForEach @(
        @{ Kind = 'CarpSysctl'; Text = 'net.inet.carp.allow: 1'; Name = 'sysctl net.inet.carp' }
        @{ Kind = 'GatewayStatus'; Text = '{"WAN_DHCP":{"status":'; Name = 'gateway status' }
        @{ Kind = 'PfctlInfo'; Text = ''; Name = 'pfctl -si' }
        @{ Kind = 'Pfsync'; Text = '   '; Name = 'ifconfig pfsync0' }
    ) {
        $Text | ConvertFrom-PfSenseOutput -Kind $Kind -ErrorAction SilentlyContinue -ErrorVariable err | Should -BeNullOrEmpty
        $err[0].Exception.Message | Should -BeLike "Cannot read the $Name output*"
    }

    It 'stops on a bad kind before reading anything' {
        { 'x' | ConvertFrom-PfSenseOutput -Kind Nonsense } | Should -Throw -ErrorId 'CannotConvertArgumentNoMessage,HaEdge.Commands.ConvertFromPfSenseOutputCommand'
    }
}

Describe 'CARP cmdlets without a session' -Tag Unit {
    It '<Command> says how to get a session' -ForEach @(
        @{ Command = 'Get-CarpStatus' }, @{ Command = 'Get-PfsyncStatus' }, @{ Command = 'Get-PfGateway' }, @{ Command = 'Set-CarpMaintenance -Enable -Confirm:$false' }
    ) {
        # A fresh runspace has no current session, whatever other tests connected.
        $shell = [powershell]::Create()
        try {
            $id = $shell.AddScript("Import-Module '$(Join-Path $ModulePath 'HaEdge.psd1')'; try { $Command } catch { `$_.FullyQualifiedErrorId }").Invoke()
            "$id" | Should -BeLike 'NoHaEdgeSession,*'
        }
        finally { $shell.Dispose() }
    }
}

Describe 'CARP on the rehearsal lab' -Tag Lab -Skip:(-not $LabPossible) {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'support/Lab.ps1')
        Start-Lab | Out-Null
        $script:LabState = $LabStateDir

        # The module runs where an operator's laptop would: in the lab's admin namespace. The commands run in one
        # session; their output (enums as names) and error ids come back.
        function Invoke-InAdmin([string] $Command) {
            Invoke-InLabAdmin {
                param($Command)
                $errors = $null
                # An advanced script block, so -ErrorAction and -ErrorVariable apply to the commands in it.
                $output = @(& ([scriptblock]::Create('[CmdletBinding()] param() ' + $Command)) -ErrorVariable +errors -ErrorAction Continue)
                [pscustomobject]@{ Output = $output; Errors = @($errors | ForEach-Object { $_.FullyQualifiedErrorId }) } | ConvertTo-Json -Depth 6 -Compress -EnumsAsStrings
            } -ArgumentList $Command | ConvertFrom-Json
        }

        # Start from the normal state: no maintenance on either firewall, fw1 MASTER of everything.
        Invoke-InAdmin "'fw1', 'fw2' | ForEach-Object { Set-CarpMaintenance -Disable -Firewall `$_ -Confirm:`$false -NoWait }" | Out-Null
    }

    It 'Item 6: the module logs in as admin, whose shell prints the rc.local banner first (CE 2.7.2), and Get-CarpStatus reads through it' {
        (Get-Content -Raw "$LabState/edge.json" | ConvertFrom-Json).firewalls.ssh.user | Sort-Object -Unique | Should -Be 'admin'
        # rc.initial of CE 2.7.0-2.7.2 (src/etc/rc.initial l.35): the banner on stdout, then the command's own output.
        $answer = Invoke-LabSsh fw1 'cat /etc/version; sysctl -n net.inet.carp.allow' -User admin
        $answer -split "`n" | Select-Object -First 3 | Should -Be '>>> Launching rc.local in background...', '2.7.2-RELEASE', '1'
        $result = Invoke-InAdmin 'Get-CarpStatus -WarningVariable +warnings; [pscustomobject]@{ Warnings = @($warnings) }'
        $result.Errors | Should -BeNullOrEmpty
        ($result.Output | Where-Object Warnings).Warnings | Should -BeNullOrEmpty
        $rows = @($result.Output | Where-Object Vhid)
        $rows.Count | Should -Be 6
        ($rows | Where-Object Firewall -eq fw1).State | Sort-Object -Unique | Should -Be 'Master'
    }

    It 'Get-CarpStatus shows every VIP Healthy, fw1 MASTER and fw2 BACKUP' {
        $deadline = [DateTime]::UtcNow.AddSeconds(15)
        do {
            $result = Invoke-InAdmin 'Get-CarpStatus'
            $rows = @($result.Output)
        } while (($rows.Count -ne 6 -or @($rows | Where-Object Verdict -ne 'Healthy').Count) -and [DateTime]::UtcNow -lt $deadline -and -not (Start-Sleep -Milliseconds 300))
        $result.Errors | Should -BeNullOrEmpty
        $rows.Count | Should -Be 6
        $rows | ForEach-Object { "$($_.Verdict)" } | Sort-Object -Unique | Should -Be 'Healthy'
        ($rows | Where-Object Firewall -eq fw1).State | Sort-Object -Unique | Should -Be 'Master'
        ($rows | Where-Object Firewall -eq fw2).State | Sort-Object -Unique | Should -Be 'Backup'
        ($rows | Where-Object Firewall -eq fw2).AdvSkew | Sort-Object -Unique | Should -Be 100
        ($rows | Where-Object { $_.Firewall -eq 'fw1' -and $_.Vhid -eq 1 }).Addresses | Should -Be '192.0.2.1/25'
    }

    It 'Set-CarpMaintenance -Enable hands every VIP to fw2, verified and timed; -Disable brings them back' {
        $enable = Invoke-InAdmin 'Set-CarpMaintenance -Enable -Firewall fw1 -PassThru -Confirm:$false'
        $enable.Errors | Should -BeNullOrEmpty
        $enable.Output.Verified | Should -BeTrue
        $enable.Output.Maintenance | Should -BeTrue
        $enable.Output.Elapsed.TotalSeconds | Should -BeLessThan 30
        ($enable.Output.Status | Where-Object Firewall -eq fw2).State | Sort-Object -Unique | Should -Be 'Master'
        ($enable.Output.Status | Where-Object Firewall -eq fw1).AdvSkew | Sort-Object -Unique | Should -Be 254
        Write-Host "enable: VIPs on fw2 after $([math]::Round($enable.Output.Elapsed.TotalSeconds, 2)) s"

        # Issue 14: in maintenance Test-HaEdge's Carp check agrees with Get-CarpStatus (Healthy), and Standby says
        # there is none, so the edge is not green.
        $during = Invoke-InAdmin '$r = Test-HaEdge -WarningAction SilentlyContinue; Get-CarpStatus; $r.Checks | Where-Object Check -In Carp, Standby | Select-Object Check, Verdict, @{ n = ''Codes''; e = { @($_.Findings.Code) } }; [pscustomobject]@{ Ready = $r.Ready }'
        $during.Errors | Should -BeNullOrEmpty
        $rows = @($during.Output | Where-Object Vhid)
        $rows | ForEach-Object { "$($_.Verdict)" } | Sort-Object -Unique | Should -Be 'Healthy'
        ($during.Output | Where-Object Check -eq Carp).Verdict | Should -Be 'Passed'
        $standby = $during.Output | Where-Object Check -eq Standby
        $standby.Verdict | Should -Be 'Failed'
        $standby.Codes | Should -Be 'CarpMaintenanceOn'
        ($during.Output | Where-Object { $null -ne $_.Ready }).Ready | Should -BeFalse

        $disable = Invoke-InAdmin 'Set-CarpMaintenance -Disable -Firewall fw1 -PassThru -Confirm:$false'
        $disable.Errors | Should -BeNullOrEmpty
        $disable.Output.Verified | Should -BeTrue
        ($disable.Output.Status | Where-Object Firewall -eq fw1).State | Sort-Object -Unique | Should -Be 'Master'
        ($disable.Output.Status | Where-Object Firewall -eq fw1).AdvSkew | Sort-Object -Unique | Should -Be 0
        Write-Host "disable: VIPs back on fw1 after $([math]::Round($disable.Output.Elapsed.TotalSeconds, 2)) s"
    }

    It 'Set-CarpMaintenance -WhatIf changes nothing' {
        $result = Invoke-InAdmin 'Set-CarpMaintenance -Enable -Firewall fw1 -WhatIf; Get-CarpStatus -Firewall fw1'
        ($result.Output | Where-Object Firewall -eq fw1).AdvSkew | Sort-Object -Unique | Should -Be 0
    }

    It 'Set-CarpMaintenance -Enable on both firewalls is refused before anything changes, unless -Force' {
        $result = Invoke-InAdmin 'try { Set-CarpMaintenance -Enable -Firewall fw1, fw2 -Confirm:$false } catch { $_.FullyQualifiedErrorId; $_.Exception.Message }; Get-CarpStatus'
        $result.Output[0] | Should -BeLike 'CarpMaintenanceWholeEdge,*'
        $result.Output[1] | Should -Match 'fw1 and fw2 are both members of the pair'
        ($result.Output | Where-Object Firewall -eq fw1).AdvSkew | Sort-Object -Unique | Should -Be 0
        ($result.Output | Where-Object Firewall -eq fw2).AdvSkew | Sort-Object -Unique | Should -Be 100
    }

    It 'Get-CarpStatus reports an unreachable firewall as an error within the timeout, and its peer''s VIPs Degraded' {
        # A copy of the lab's definition with fw2 at an address nobody answers on the LAN: no fault is injected.
        $edge = Get-Content -Raw "$LabState/edge.json" | ConvertFrom-Json
        $edge.firewalls[1].ssh.host = '192.0.2.99'
        foreach ($firewall in $edge.firewalls) { $firewall.ssh.keyFile = Join-Path $LabState $firewall.ssh.keyFile }
        $path = Join-Path ([IO.Path]::GetTempPath()) "haedge-carp-unreachable-$PID.json"
        $edge | ConvertTo-Json -Depth 8 | Set-Content $path
        try {
            $result = Invoke-InAdmin "Connect-HaEdge -SkipCheck '$path' | Out-Null; `$clock = [Diagnostics.Stopwatch]::StartNew(); Get-CarpStatus; [pscustomobject]@{ Ms = `$clock.ElapsedMilliseconds }"
        }
        finally { Remove-Item $path -ErrorAction Ignore }
        $result.Errors | Should -Be 'SshUnreachable,HaEdge.Commands.GetCarpStatusCommand'
        $rows = @($result.Output | Where-Object Vhid)
        $rows.Firewall | Sort-Object -Unique | Should -Be 'fw1'
        $rows | ForEach-Object { "$($_.Verdict)" } | Sort-Object -Unique | Should -Be 'Degraded'
        # Connect timeout 5 s + command timeout 10 s + 1 s: never longer, whatever the network does.
        ($result.Output | Where-Object Ms).Ms | Should -BeLessThan 16000
    }

    It 'Get-PfsyncStatus says the pair is in sync' {
        $result = Invoke-InAdmin 'Get-PfsyncStatus'
        $result.Errors | Should -BeNullOrEmpty
        $result.Output.Firewall | Should -Be 'fw1', 'fw2'
        $result.Output.SyncDev | Should -Be 'vtnet4', 'vtnet4'
        $result.Output.SyncPeer | Should -Be '198.51.100.130', '198.51.100.129'
        $result.Output[0].Reasons | Should -BeNullOrEmpty
        $result.Output | ForEach-Object { "$($_.Verdict)" } | Should -Be 'InSync', 'InSync'
    }

    It 'Get-PfGateway shows both gateways on both nodes and the fibre carrying the MASTER default route' {
        $result = Invoke-InAdmin 'Get-PfGateway'
        $result.Errors | Should -BeNullOrEmpty
        @($result.Output).Count | Should -Be 4
        $default = $result.Output | Where-Object { $_.IsMaster -and $_.DefaultRoute }
        $default.Firewall | Should -Be 'fw1'
        $default.Name | Should -Be 'FIBRE_GW'
        ($result.Output | Where-Object Name -eq STARLINK_GW | Select-Object -First 1).Groups.Tier | Should -Be 2
    }
}
