#Requires -Version 7
# The rehearsal lab's own behaviour (issue 5's bar): up within 20 s, real VRRP failover by protocol timeout, ping
# loss through the VIP, a NATed TCP session that survives with state sync and breaks without it, dual-WAN failover
# that leaves CARP alone, the pfSense shims over real SSH, and a down that leaves nothing behind.
# Needs Linux and root; build.ps1 Test leaves the Lab tag out elsewhere.

BeforeDiscovery {
    $script:LabPossible = $IsLinux -and ((& id -u) -eq '0')
}

Describe 'Rehearsal lab' -Tag Lab -Skip:(-not $LabPossible) {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'support/Lab.ps1')
        $script:StateDir = $LabStateDir
        $script:Prefix = 'hel-'
        $script:Target = '203.0.113.10'

        # Which VIPs a firewall holds right now, straight from its namespace (cheap enough to poll).
        function Get-HeldVip([string] $Firewall) {
            $addresses = & ip -n "$Prefix$Firewall" -o -4 addr show 2>$null | Out-String
            @('198.51.100.10', '192.0.2.1', '192.0.2.129') | Where-Object { $addresses -match " carp\d+ +inet $([regex]::Escape($_))/" }
        }

        function Get-DefaultRoute([string] $Firewall) {
            (& ip -n "$Prefix$Firewall" -4 route show default | Out-String).Trim()
        }

        function Wait-Until([scriptblock] $Condition, [double] $TimeoutSeconds) {
            $clock = [Diagnostics.Stopwatch]::StartNew()
            while ($clock.Elapsed.TotalSeconds -lt $TimeoutSeconds) {
                if (& $Condition) { return $clock.Elapsed.TotalSeconds }
                Start-Sleep -Milliseconds 100
            }
            return $null
        }

        # Probes run in the admin workstation namespace, as the operator's laptop would.
        function Start-AdminProbe([string[]] $Command, [string] $OutFile) {
            Start-Process -FilePath ip -ArgumentList (@('netns', 'exec', "${Prefix}admin") + $Command) -RedirectStandardOutput $OutFile -PassThru
        }

        function Get-Echo([string] $File) {
            Get-Content $File | Where-Object { $_ -match '^\d+ \d+$' } | ForEach-Object {
                $fields = $_ -split ' '
                [pscustomobject]@{ AtMs = [long]$fields[0]; Sequence = [int]$fields[1] }
            }
        }

        function Get-EpochMs { [DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds() }

        # Waits until the echo probe writing $File has seen $Count echoes after $AfterMs (epoch ms); false after $TimeoutSeconds.
        function Wait-Echo([string] $File, [int] $Count, [long] $AfterMs = 0, [double] $TimeoutSeconds = 30) {
            $null -ne (Wait-Until { @(Get-Echo $File | Where-Object AtMs -gt $AfterMs).Count -ge $Count } $TimeoutSeconds)
        }

        $script:Probes = Join-Path ([IO.Path]::GetTempPath()) "haedge-lab-tests-$PID"
        New-Item -ItemType Directory -Force $Probes | Out-Null

        $script:Up = Start-Lab
        Write-Host "lab up in $([math]::Round($Up.UpSeconds, 1)) s (including the program's start)"
    }

    AfterAll {
        Stop-Lab
        Remove-Item -Recurse -Force $Probes -ErrorAction Ignore
    }

    It 'comes up ready in under 20 s and writes the edge definition' {
        $Up.UpSeconds | Should -BeLessThan 20 -Because $Up.Output
        $definition = Get-Content -Raw "$StateDir/edge.json" | ConvertFrom-Json
        $definition.firewalls.name | Should -Be @('fw1', 'fw2')
        $definition.proxmox.endpoints | Should -Be @('https://192.0.2.31:8006', 'https://192.0.2.32:8006')
        foreach ($fw in $definition.firewalls) {
            $printed = (& ssh-keygen -lf "$StateDir/$($fw.name)/ssh/ssh_host_ed25519_key.pub") -split ' '
            $fw.ssh.hostKeySha256 | Should -Be $printed[1]
        }
        Get-HeldVip fw1 | Should -HaveCount 3
        Get-HeldVip fw2 | Should -HaveCount 0
    }

    It 'answers the pfSense commands over real SSH with carp lines that match the live VRRP state' {
        $primary = Invoke-LabSsh fw1 'ifconfig; echo ===; sysctl net.inet.carp; echo ===; pfctl -si; echo ===; ifconfig pfsync0; echo ===; route -n get default'
        foreach ($vhid in 1, 10, 20) {
            $primary | Should -Match "(?m)^\tcarp: MASTER vhid $vhid advbase 1 advskew 0\r?$"
        }
        $primary | Should -Match '(?m)^\t      peer 224\.0\.0\.18 peer6 ff02::12\r?$'
        $primary | Should -Match '(?m)^\tinet 192\.0\.2\.1 netmask 0xffffff80 broadcast 192\.0\.2\.127 vhid 1\r?$'
        $primary | Should -Match '(?m)^net\.inet\.carp\.demotion: 0\r?$'
        $primary | Should -Match '(?m)^  current entries +\d+ {15}\r?$'
        $primary | Should -Match '(?m)^\tsyncdev: vtnet4 syncpeer: 198\.51\.100\.130 maxupd: 128 defer: off version: 1400\r?$'
        $primary | Should -Match '(?m)^\tsyncok: 1\r?$'
        $primary | Should -Match '(?m)^  interface: vtnet0\r?$'

        $secondary = Invoke-LabSsh fw2 'ifconfig | grep carp:'
        foreach ($vhid in 1, 10, 20) {
            $secondary | Should -Match "(?m)^\tcarp: BACKUP vhid $vhid advbase 1 advskew 100\r?$"
        }
    }

    It 'hands php -f /etc/rc.filter_synchronize to the XMLRPC config sync over the sync link' {
        $definition = Get-Content -Raw "$StateDir/edge.json" | ConvertFrom-Json
        $definition.firewalls.xmlrpc.url | Should -Be @('https://192.0.2.2/xmlrpc.php', 'https://192.0.2.3/xmlrpc.php')
        # rc.filter_synchronize prints nothing, as pfSense's does: what it did is in system.log.
        Invoke-LabSsh fw1 'php -f /etc/rc.filter_synchronize' | Should -BeNullOrEmpty
        $log = Invoke-LabSsh fw1 'tail -n 3 /var/log/system.log'
        $log | Should -Match 'XMLRPC reload data success with https://198\.51\.100\.130'
    }

    It 'puts a PVE node into HA maintenance over SSH with a pinned host key, shown in the HA status as PVE 9 does' {
        $pveSsh = (Get-Content -Raw "$StateDir/pve-ssh.json" | ConvertFrom-Json).proxmox.ssh
        foreach ($node in 'pve1', 'pve2') {
            $printed = (& ssh-keygen -lf "$StateDir/$node/ssh/ssh_host_ed25519_key.pub") -split ' '
            $pveSsh.nodes.$node.hostKeySha256 | Should -Be $printed[1]
        }
        $pveSsh.nodes.pve1.host | Should -Be '192.0.2.31'
        $enable = Invoke-LabSsh pve1 'ha-manager crm-command node-maintenance enable pve1 && ha-manager status'
        try {
            $enable | Should -Match '(?m)^quorum OK\r?$'
            $enable | Should -Match '(?m)^lrm pve1 \(maintenance mode, \w{3} \w{3} +\d+ [\d:]{8} \d{4}\)\r?$'
            $enable | Should -Match '(?m)^lrm pve2 \((active|idle), '
        }
        finally {
            $disable = Invoke-LabSsh pve2 'ha-manager crm-command node-maintenance disable pve1 && ha-manager status'
        }
        $disable | Should -Match '(?m)^lrm pve1 \((active|idle), '
    }

    It 'moves the default route to Starlink when the fibre upstream dies, and CARP does not move' {
        Reset-Lab
        Invoke-Lab fault fibre-dead | Out-Null
        try {
            $switched = Wait-Until { (Get-DefaultRoute fw1) -match 'dev vtnet3' } 15
            Write-Host "default route on Starlink after $switched s"
            $switched | Should -Not -BeNullOrEmpty
            Get-HeldVip fw1 | Should -HaveCount 3
            Get-HeldVip fw2 | Should -HaveCount 0
            & ip netns exec "${Prefix}admin" ping -n -q -c 3 -i 0.2 -W 1 $Target | Out-Null
            $LASTEXITCODE | Should -Be 0 -Because 'LAN traffic leaves through Starlink'
        }
        finally {
            Invoke-Lab heal fibre-dead | Out-Null
        }
        Wait-Until { (Get-DefaultRoute fw1) -match 'dev vtnet0' } 15 | Should -Not -BeNullOrEmpty
        Get-HeldVip fw1 | Should -HaveCount 3
    }

    It 'keeps the default route on a fixed default gateway although it is down, as pfSense does' {
        Reset-Lab
        Invoke-Lab fault fixed-default-gateway | Out-Null
        Invoke-Lab fault fibre-dead | Out-Null
        try {
            # The monitor sees the fibre down within a few probes; with the group the route would move in about 1 s.
            Wait-Until { (Invoke-Lab status --json | ConvertFrom-Json).firewalls[0].gateways[0].status -eq 'down' } 15 | Should -Not -BeNullOrEmpty
            Wait-Until { (Get-DefaultRoute fw1) -match 'dev vtnet3' } 3 | Should -BeNullOrEmpty -Because 'a fixed default gateway is kept (gwlb.inc fixup_default_gateway)'
            Get-DefaultRoute fw1 | Should -Match 'dev vtnet0'
            $setting = Invoke-LabSsh fw1 'php -r ''require_once("config.inc"); echo config_get_path("gateways/defaultgw4", "");'''
            $setting.Trim() | Should -Be 'FIBRE_GW'
        }
        finally {
            Invoke-Lab heal fibre-dead | Out-Null
            Invoke-Lab heal fixed-default-gateway | Out-Null
        }
    }

    It 'fails over a hard-stopped MASTER by protocol timeout: ping loss at most 5 s, the NATed session survives' {
        Reset-Lab
        $echoFile = Join-Path $Probes 'echo-sync.txt'
        $pingFile = Join-Path $Probes 'ping.txt'
        # The session is opened again if its first connect found the path not ready yet (the probe then exits at once):
        # what is judged is the session open before the fault, not the first connect after the lab's reset.
        $deadline = [DateTime]::UtcNow.AddSeconds(20)
        $attempts = 0
        $echo = $null
        do {
            if ($echo -and -not $echo.HasExited) { $echo.Kill() }
            $attempts++
            $echo = Start-AdminProbe @("$StateDir/shims/lab/echo-probe", $Target, '7', '60') $echoFile
            $null = Wait-Until { $echo.HasExited -or @(Get-Echo $echoFile).Count -ge 3 } 10
        } while (@(Get-Echo $echoFile).Count -lt 3 -and [DateTime]::UtcNow -lt $deadline)
        $ping = Start-AdminProbe @('ping', '-n', '-q', '-i', '0.1', '-c', '180', '-W', '1', $Target) $pingFile
        try {
            Wait-Echo $echoFile 3 -TimeoutSeconds 1 | Should -BeTrue -Because "the session works before the fault ($attempts connects, the last probe $(if ($echo.HasExited) { "exited with $($echo.ExitCode)" } else { 'running' }))"
            Invoke-Lab fault hard-stop fw1 | Out-Null
            # fw1 is off when the verb returns: any echo after that came through fw2.
            $faultDone = Get-EpochMs
            $takeover = Wait-Until { (Get-HeldVip fw2).Count -eq 3 } 15
            $survived = Wait-Echo $echoFile 5 -AfterMs ($faultDone + 500) -TimeoutSeconds 40
            # The outage is over once the session echoes again: interrupted, ping prints its summary and exits.
            & kill -INT $ping.Id
            $ping.WaitForExit(10000) | Out-Null
        }
        finally {
            $echo.Kill(); $ping.Kill()
            Invoke-Lab heal hard-stop fw1 | Out-Null
        }

        $takeover | Should -Not -BeNullOrEmpty
        # fw1 powered off (links down, processes killed) at stopped-at; fw2's VRRP notify hook logs each
        # transition with its epoch ms. Killed, fw1 sent no priority-0 advert: fw2 had to wait out the
        # master-down interval (3 x advbase + skew, about 3.4 s at priority 150), counted from fw1's last advert, which
        # left up to one advbase before the stop: the takeover comes 2.4 to 3.4 s after it. (The bound was 2.5 s while
        # the hook logged its time only after waiting for the previous hook's conntrackd calls; it now logs the
        # transition's own time, and a takeover 2.48 s after the stop is the protocol's, not an early one.)
        $stoppedAt = [long](Get-Content "$StateDir/fw1/stopped-at")
        $masterAt = Get-Content "$StateDir/fw2/notify.log" | Where-Object { $_ -match '^(\d+) \S+ vhid \d+ -> MASTER$' } |
            ForEach-Object { [long]($_ -split ' ')[0] } | Where-Object { $_ -gt $stoppedAt }
        @($masterAt).Count | Should -Be 3
        $takeoverSeconds = (($masterAt | Measure-Object -Maximum).Maximum - $stoppedAt) / 1000
        Get-Content "$StateDir/logs/fw2-keepalived.log" -Raw | Should -Not -Match 'priority 0 advertisement'
        $takeoverSeconds | Should -BeGreaterThan (2 + (256 - 150) / 256)
        $takeoverSeconds | Should -BeLessThan 8

        $summary = Get-Content $pingFile -Raw
        $summary -match '(\d+) packets transmitted, (\d+) received' | Should -BeTrue -Because $summary
        $lostSeconds = ([int]$Matches[1] - [int]$Matches[2]) * 0.1
        $echoes = @(Get-Echo $echoFile)
        $afterFault = @($echoes | Where-Object AtMs -gt ($faultDone + 500))
        $gaps = for ($i = 1; $i -lt $echoes.Count; $i++) { $echoes[$i].AtMs - $echoes[$i - 1].AtMs }
        $longestGap = ($gaps | Measure-Object -Maximum).Maximum / 1000
        Write-Host ('failover: fw2 MASTER on all VIPs {0:0.0} s after fw1 powered off; ping lost {1:0.0} s; echo session: {2} echoes after the fault, longest gap {3:0.0} s' -f
            $takeoverSeconds, $lostSeconds, $afterFault.Count, $longestGap)
        $lostSeconds | Should -BeLessOrEqual 5
        $survived | Should -BeTrue -Because 'the established session continues on fw2 with the synced state'
    }

    It 'down leaves no namespace, link, process or file behind' {
        Stop-Lab
        @(& ip netns list | Where-Object { $_ -like "$Prefix*" }) | Should -HaveCount 0
        @(& ip -o link show | Where-Object { ($_ -split ': ')[1] -like "$Prefix*" }) | Should -HaveCount 0
        $leftovers = Get-ChildItem /proc -Directory | Where-Object Name -match '^\d+$' | ForEach-Object {
            $cmdline = Get-Content -Raw -ErrorAction Ignore "$($_.FullName)/cmdline"
            if ($cmdline -and $cmdline.Contains("$StateDir/") -and [int]$_.Name -ne $PID) { $cmdline.Replace([char]0, ' ') }
        }
        @($leftovers) | Should -HaveCount 0
        Test-Path $StateDir | Should -BeFalse
    }
}
