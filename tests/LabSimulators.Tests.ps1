# The lab's simulators on their own: the Proxmox VE API (serve-pve --fake-vms, no network lab behind it) and the
# pfSense XMLRPC endpoint with its config sync, all on loopback with a throw-away state directory. curl talks to
# them over HTTPS, trusting only the certificate each simulator wrote (--cacert).

BeforeAll {
    . (Join-Path $PSScriptRoot 'support/Lab.ps1')
    $script:Launcher = Get-LabLauncher
    $script:State = Join-Path ([IO.Path]::GetTempPath()) ("haedge-labsim-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
    New-Item -ItemType Directory $script:State | Out-Null

    # Each binds a free port itself; fw1 (the primary) syncs to 127.0.0.1 at fw2's port.
    $script:Simulators = @(
        Start-LabSimulator serve-pve pve1 $State -ExtraArguments '--fake-vms'
        Start-LabSimulator serve-pve pve2 $State -ExtraArguments '--fake-vms'
        Start-LabSimulator serve-xmlrpc fw1 $State -ExtraArguments '--sync-target', '127.0.0.1'
        Start-LabSimulator serve-xmlrpc fw2 $State
    )
    $script:Port = @{}
    foreach ($simulator in $Simulators) { $Port[$simulator.Name] = $simulator.Port }

    $tokens = Get-Content -Raw (Join-Path $State 'pve/tokens.json') | ConvertFrom-Json
    $script:EdgeAuth = 'PVEAPIToken=haedge@pve!edge=' + ($tokens | Where-Object id -EQ 'haedge@pve!edge').secret
    $script:ReadOnlyAuth = 'PVEAPIToken=haedge@pve!readonly=' + ($tokens | Where-Object id -EQ 'haedge@pve!readonly').secret
    $script:PveCert = Join-Path $State 'pve/cert.pem'

    # One PVE API call: status code, raw body, parsed body.
    function Invoke-Pve([string] $Method = 'GET', [string] $Path, [string] $Auth = $script:EdgeAuth, [string[]] $Form = @(), [string] $Node = 'pve1') {
        $curlArgs = @('-sS', '--cacert', $script:PveCert, '-X', $Method, '-o', '-', '-w', "`n%{http_code}")
        if ($Auth) { $curlArgs += @('-H', "Authorization: $Auth") }
        foreach ($field in $Form) { $curlArgs += @('--data-urlencode', $field) }
        $out = (& curl @curlArgs "https://127.0.0.1:$($script:Port[$Node])/api2/json$Path") -join "`n"
        $split = $out.LastIndexOf("`n")
        $raw = $out.Substring(0, $split)
        [pscustomobject]@{ Status = [int]$out.Substring($split + 1); Raw = $raw; Body = ($raw | ConvertFrom-Json) }
    }

    function Wait-Task([string] $Upid, [string] $Node = 'pve1') {
        $seen = [Collections.Generic.List[string]]::new()
        $deadline = [DateTime]::UtcNow.AddSeconds(15)
        do {
            $task = (Invoke-Pve -Path "/nodes/$($Upid.Split(':')[1])/tasks/$Upid/status" -Node $Node).Body.data
            $seen.Add($task.status)
            if ($task.status -eq 'stopped') { return [pscustomobject]@{ Task = $task; Seen = $seen } }
            Start-Sleep -Milliseconds 100
        } while ([DateTime]::UtcNow -lt $deadline)
        throw "task $Upid did not finish"
    }

    # One XML-RPC call to a lab firewall: the parsed methodResponse.
    function Invoke-XmlRpc([string] $Firewall, [string] $Body, [string] $User = 'hasync', [string] $Password) {
        if (-not $Password) { $Password = (Get-Content -Raw (Join-Path $script:State "$Firewall/xmlrpc/password")).Trim() }
        $file = Join-Path $script:State 'request.xml'
        Set-Content -Path $file -Value $Body -NoNewline
        $response = (& curl -sS --cacert (Join-Path $script:State "$Firewall/xmlrpc/cert.pem") -u "${User}:$Password" `
                -H 'Content-Type: text/xml' --data-binary "@$file" "https://127.0.0.1:$($script:Port[$Firewall])/xmlrpc.php") -join "`n"
        [xml]$response
    }
    function New-Call([string] $Method, [string] $Params = '') {
        "<?xml version=`"1.0`"?><methodCall><methodName>$Method</methodName><params>$Params</params></methodCall>"
    }
    function Get-Fault([xml] $Response) {
        $members = $Response.methodResponse.fault.value.struct.member
        [pscustomobject]@{
            Code    = [int](($members | Where-Object name -EQ 'faultCode').value.int)
            Message = ($members | Where-Object name -EQ 'faultString').value.string
        }
    }
    function Get-Config([string] $Firewall, [string] $StateDir = $script:State) { [xml](Get-Content -Raw (Join-Path $StateDir "$Firewall/config.xml")) }
    function Edit-Config([string] $Firewall, [scriptblock] $Change, [string] $StateDir = $script:State) {
        $path = Join-Path $StateDir "$Firewall/config.xml"
        $text = Get-Content -Raw $path
        Set-Content -Path $path -Value (& $Change $text) -NoNewline
    }
    # fw1's rc.filter_synchronize to fw2 at the given port: its exit code and everything it printed (stdout and stderr).
    function Invoke-Sync([string] $StateDir = $script:State, [int] $PeerPort = $script:Port.fw2, [string[]] $Arguments = @()) {
        $output = & $Launcher[0] @($Launcher | Select-Object -Skip 1) sync-config --firewall fw1 --state-dir $StateDir --peer-port $PeerPort @Arguments 2>&1
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = ($output -join "`n") }
    }
    # What a firewall's pfSense recorded under its lab root: /var/log/system.log and /var/run/filter_reload_status.
    function Get-Records([string] $Firewall, [string] $StateDir = $script:State) {
        [pscustomobject]@{
            SystemLog    = @(Get-Content (Join-Path $StateDir "$Firewall/root/var/log/system.log") -ErrorAction Ignore)
            ReloadStatus = @(Get-Content (Join-Path $StateDir "$Firewall/root/var/run/filter_reload_status") -ErrorAction Ignore)
        }
    }
    # The lines a run added: the records minus those there before.
    function Get-NewRecords([string] $Firewall, $Before, [string] $StateDir = $script:State) {
        $now = Get-Records $Firewall $StateDir
        [pscustomobject]@{
            SystemLog    = @($now.SystemLog | Select-Object -Skip $Before.SystemLog.Count)
            ReloadStatus = @($now.ReloadStatus | Select-Object -Skip $Before.ReloadStatus.Count)
        }
    }
}

AfterAll {
    Stop-LabSimulator $script:Simulators
    Remove-Item -Recurse -Force $script:State -ErrorAction SilentlyContinue
}

Describe 'PVE API simulator' -Tag 'Lab' {
    It 'answers 401 without a token and with a wrong secret' {
        (Invoke-Pve -Path '/version' -Auth '').Status | Should -Be 401
        $wrong = Invoke-Pve -Path '/version' -Auth 'PVEAPIToken=haedge@pve!edge=00000000-0000-0000-0000-000000000000'
        $wrong.Status | Should -Be 401
        $wrong.Body.data | Should -BeNullOrEmpty
    }

    It 'accepts the token with a space instead of the first =' {
        $response = Invoke-Pve -Path '/version' -Auth ($EdgeAuth -replace '^PVEAPIToken=', 'PVEAPIToken ')
        $response.Status | Should -Be 200
        $response.Body.data.release | Should -Be '9.0'
    }

    It 'answers 403 with PVE''s message when the token lacks VM.PowerMgmt' {
        $response = Invoke-Pve -Method POST -Path '/nodes/pve1/qemu/101/status/stop' -Auth $ReadOnlyAuth
        $response.Status | Should -Be 403
        $response.Body.message | Should -Match 'Permission check failed \(/vms/101, VM\.PowerMgmt\)'
        (Invoke-Pve -Path '/nodes/pve1/qemu/101/status/current' -Auth $ReadOnlyAuth).Status | Should -Be 200
    }

    It 'serves one cluster from both nodes, booleans as 0/1' {
        $one = Invoke-Pve -Path '/cluster/status'
        $two = Invoke-Pve -Path '/cluster/status' -Node pve2
        $one.Raw | Should -Match '^\{"data":\['
        $one.Raw | Should -Match '"quorate":1'
        ($one.Body.data | Where-Object type -EQ 'node').name | Sort-Object | Should -Be @('pve1', 'pve2')
        ($one.Body.data | Where-Object { $_.type -eq 'node' -and $_.local -eq 1 }).name | Should -Be 'pve1'
        ($two.Body.data | Where-Object { $_.type -eq 'node' -and $_.local -eq 1 }).name | Should -Be 'pve2'
        $vms = (Invoke-Pve -Path '/cluster/resources?type=vm' -Node pve2).Body.data
        $vms | ForEach-Object { $_.type | Should -Be 'qemu' }
        ($vms | Where-Object vmid -EQ 102).node | Should -Be 'pve2'
        (Invoke-Pve -Path '/cluster/resources?type=vm').Raw | Should -Match '"template":0'
    }

    It 'shows the VM config as qemu-server prints it, with PVE''s number and string types' {
        $response = Invoke-Pve -Path '/nodes/pve1/qemu/101/config'
        $response.Body.data.net2 | Should -Match '^virtio=BC:24:11:65:00:02,bridge=vmbr1,firewall=1,tag=20$'
        $response.Raw | Should -Match '"memory":"2048"'
        $response.Raw | Should -Match '"cores":2'
        $response.Body.data.digest | Should -Match '^[0-9a-f]{40}$'
        $elsewhere = Invoke-Pve -Path '/nodes/pve2/qemu/101/config'
        $elsewhere.Status | Should -Be 500
        $elsewhere.Body.message | Should -Match "Configuration file 'nodes/pve2/qemu-server/101.conf' does not exist"
    }

    It 'pins: the fingerprint file and /nodes ssl_fingerprint are the certificate''s SHA-256' {
        $fingerprint = (Get-Content -Raw (Join-Path $State 'pve/fingerprint')).Trim()
        $cert = [Security.Cryptography.X509Certificates.X509Certificate2]::CreateFromPem((Get-Content -Raw $PveCert))
        $expected = ([Security.Cryptography.SHA256]::HashData($cert.RawData) | ForEach-Object { $_.ToString('X2') }) -join ':'
        $fingerprint | Should -Be $expected
        (Invoke-Pve -Path '/nodes').Body.data | ForEach-Object { $_.ssl_fingerprint | Should -Be $expected }
    }

    It 'takes a link down at once with PUT netN link_down=1, and up again' {
        $net1 = (Invoke-Pve -Path '/nodes/pve1/qemu/101/config').Body.data.net1
        $down = Invoke-Pve -Method PUT -Path '/nodes/pve1/qemu/101/config' -Form @("net1=$net1,link_down=1")
        $down.Status | Should -Be 200
        $down.Raw | Should -Be '{"data":null}'
        (Invoke-Pve -Path '/nodes/pve1/qemu/101/config').Body.data.net1 | Should -Be "$net1,link_down=1"
        (Get-Content -Raw (Join-Path $State 'pve/fake-vms.json') | ConvertFrom-Json).LinkUp.'101/1' | Should -BeFalse
        Invoke-Pve -Method PUT -Path '/nodes/pve1/qemu/101/config' -Form @("net1=$net1") | Out-Null
        (Get-Content -Raw (Join-Path $State 'pve/fake-vms.json') | ConvertFrom-Json).LinkUp.'101/1' | Should -BeTrue
        (Invoke-Pve -Method PUT -Path '/nodes/pve1/qemu/101/config' -Auth $ReadOnlyAuth -Form @("net1=$net1,link_down=1")).Status | Should -Be 403
    }

    It 'runs stop and start as UPID tasks: running, then stopped with OK or PVE''s error' {
        $stop = Invoke-Pve -Method POST -Path '/nodes/pve2/qemu/102/status/stop' -Node pve1
        $stop.Body.data | Should -Match '^UPID:pve2:[0-9A-F]{8}:[0-9A-F]{8}:[0-9A-F]{8}:qmstop:102:haedge@pve!edge:$'
        $stopped = Wait-Task $stop.Body.data
        $stopped.Task.exitstatus | Should -Be 'OK'
        $stopped.Task.tokenid | Should -Be 'edge'
        (Invoke-Pve -Path '/nodes/pve2/qemu/102/status/current' -Node pve2).Body.data.status | Should -Be 'stopped'

        $start = Invoke-Pve -Method POST -Path '/nodes/pve2/qemu/102/status/start' -Node pve2
        $started = Wait-Task $start.Body.data -Node pve2
        $started.Seen[0] | Should -Be 'running'
        $started.Task.exitstatus | Should -Be 'OK'
        (Invoke-Pve -Path '/nodes/pve2/qemu/102/status/current').Body.data.status | Should -Be 'running'

        $again = Wait-Task (Invoke-Pve -Method POST -Path '/nodes/pve2/qemu/102/status/start').Body.data
        $again.Task.exitstatus | Should -Be 'VM 102 already running'
    }

    It 'creates, reads and deletes an HA rule over HA resources' {
        foreach ($sid in 'vm:101', 'vm:102') { (Invoke-Pve -Method POST -Path '/cluster/ha/resources' -Form @("sid=$sid", 'state=started')).Status | Should -Be 200 }
        try {
            $create = Invoke-Pve -Method POST -Path '/cluster/ha/rules' -Form @('rule=keep-apart', 'type=resource-affinity',
                'resources=vm:101,vm:102', 'affinity=negative', 'comment=fw pair on distinct nodes')
            $create.Status | Should -Be 200
            (Invoke-Pve -Method POST -Path '/cluster/ha/rules' -Auth $ReadOnlyAuth -Form @('rule=x', 'type=resource-affinity', 'resources=vm:101', 'affinity=negative')).Status | Should -Be 403
            $rule = (Invoke-Pve -Path '/cluster/ha/rules/keep-apart' -Node pve2).Body.data
            $rule.affinity | Should -Be 'negative'
            $rule.resources | Should -Be 'vm:101,vm:102'
            (Invoke-Pve -Path '/cluster/ha/rules?type=resource-affinity').Body.data.rule | Should -Be 'keep-apart'
            (Invoke-Pve -Method DELETE -Path '/cluster/ha/rules/keep-apart').Status | Should -Be 200
            $gone = Invoke-Pve -Path '/cluster/ha/rules/keep-apart'
            $gone.Status | Should -Be 500
            $gone.Body.message | Should -Be "no such ha rule 'keep-apart'`n"
        }
        finally { foreach ($sid in 'vm:101', 'vm:102') { Invoke-Pve -Method DELETE -Path "/cluster/ha/resources/$sid" | Out-Null } }
    }

    It 'refuses an HA rule over VMs that are not HA resources, with PVE 9''s text (Rules.pm assert_valid_resources_param)' {
        $refused = Invoke-Pve -Method POST -Path '/cluster/ha/rules' -Form @('rule=keep-apart', 'type=resource-affinity', 'resources=vm:102,vm:101', 'affinity=negative')
        $refused.Status | Should -Be 500
        $refused.Body.message | Should -Be "create ha rule failed: cannot use unmanaged resource(s) vm:101, vm:102.`n"
        (Invoke-Pve -Method POST -Path '/cluster/ha/resources' -Form @('sid=vm:101')).Status | Should -Be 200
        try {
            (Invoke-Pve -Method POST -Path '/cluster/ha/rules' -Form @('rule=keep-apart', 'type=resource-affinity', 'resources=vm:101,vm:102', 'affinity=negative')).Body.message |
                Should -Be "create ha rule failed: cannot use unmanaged resource(s) vm:102.`n"
            (Invoke-Pve -Path '/cluster/ha/rules').Body.data | Should -BeNullOrEmpty
        }
        finally { Invoke-Pve -Method DELETE -Path '/cluster/ha/resources/vm:101' | Out-Null }
    }

    It 'ignores disable=0 on a rule as PVE 9 does (c060bc4); delete=disable enables it; deleting a resource takes it out of the rules' {
        foreach ($sid in 'vm:101', 'vm:102') { Invoke-Pve -Method POST -Path '/cluster/ha/resources' -Form @("sid=$sid") | Out-Null }
        try {
            Invoke-Pve -Method POST -Path '/cluster/ha/rules' -Form @('rule=apart', 'type=resource-affinity', 'resources=vm:101,vm:102', 'affinity=negative', 'disable=1') | Out-Null
            (Invoke-Pve -Method PUT -Path '/cluster/ha/rules/apart' -Form @('type=resource-affinity', 'disable=0')).Status | Should -Be 200
            (Invoke-Pve -Path '/cluster/ha/rules/apart').Body.data.disable | Should -Be 1
            (Invoke-Pve -Method PUT -Path '/cluster/ha/rules/apart' -Form @('type=resource-affinity', 'delete=disable')).Status | Should -Be 200
            (Invoke-Pve -Path '/cluster/ha/rules/apart').Raw | Should -Not -Match '"disable"'
            Invoke-Pve -Method DELETE -Path '/cluster/ha/resources/vm:102' | Out-Null
            (Invoke-Pve -Path '/cluster/ha/rules/apart').Body.data.resources | Should -Be 'vm:101'
        }
        finally {
            Invoke-Pve -Method DELETE -Path '/cluster/ha/rules/apart' | Out-Null
            foreach ($sid in 'vm:101', 'vm:102') { Invoke-Pve -Method DELETE -Path "/cluster/ha/resources/$sid" | Out-Null }
        }
    }

    It 'refuses HA groups as migrated to rules, with PVE 9''s text per call (Groups.pm)' {
        $groups = Invoke-Pve -Path '/cluster/ha/groups'
        $groups.Status | Should -Be 500
        $groups.Body.message | Should -Be "cannot index groups: ha groups have been migrated to rules`n"
        (Invoke-Pve -Method POST -Path '/cluster/ha/groups' -Form @('group=fw1-only', 'nodes=pve1')).Body.message | Should -Be "cannot create group: ha groups have been migrated to rules`n"
        (Invoke-Pve -Method POST -Path '/cluster/ha/resources' -Form @('sid=vm:101', 'group=fw1-only')).Body.message | Should -Be "invalid parameter 'group': ha groups have been migrated to rules`n"
        (Invoke-Pve -Path '/cluster/ha/resources').Body.data | Should -BeNullOrEmpty
    }

    It 'turns power calls on an HA resource into HA requests that the node''s LRM carries out' {
        (Invoke-Pve -Method POST -Path '/cluster/ha/resources' -Form @('sid=vm:102', 'state=started')).Status | Should -Be 200
        (Invoke-Pve -Path '/cluster/resources?type=vm').Body.data | Where-Object vmid -EQ 102 | ForEach-Object { $_.hastate | Should -Be 'started' }
        $stop = Wait-Task (Invoke-Pve -Method POST -Path '/nodes/pve2/qemu/102/status/stop').Body.data
        $stop.Task.type | Should -Be 'hastop'
        $stop.Task.exitstatus | Should -Be 'OK'
        (Invoke-Pve -Path '/nodes/pve2/qemu/102/status/current').Body.data.ha.state | Should -Be 'stopped'
        $deadline = [DateTime]::UtcNow.AddSeconds(20)
        while ((Invoke-Pve -Path '/nodes/pve2/qemu/102/status/current').Body.data.status -ne 'stopped' -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 300 }
        (Invoke-Pve -Path '/nodes/pve2/qemu/102/status/current').Body.data.status | Should -Be 'stopped'
        (Wait-Task (Invoke-Pve -Method POST -Path '/nodes/pve2/qemu/102/status/start').Body.data).Task.type | Should -Be 'hastart'
        $deadline = [DateTime]::UtcNow.AddSeconds(20)
        while ((Invoke-Pve -Path '/nodes/pve2/qemu/102/status/current').Body.data.status -ne 'running' -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 300 }
        (Invoke-Pve -Path '/nodes/pve2/qemu/102/status/current').Body.data.status | Should -Be 'running'
        (Invoke-Pve -Method DELETE -Path '/cluster/ha/resources/vm:102').Status | Should -Be 200
        (Invoke-Pve -Path '/cluster/ha/resources').Body.data | Should -BeNullOrEmpty
    }

    It 'shows firewall options and node bridges from the files the lab''s faults edit' {
        $options = (Invoke-Pve -Path '/nodes/pve1/qemu/101/firewall/options').Body.data
        $options.enable | Should -Be 1
        $options.macfilter | Should -Be 0
        Set-Content (Join-Path $State 'pve/firewall-101.json') '{"enable":1,"macfilter":1}'
        (Invoke-Pve -Path '/nodes/pve1/qemu/101/firewall/options').Body.data.macfilter | Should -Be 1
        Invoke-Pve -Method PUT -Path '/nodes/pve1/qemu/101/firewall/options' -Form @('macfilter=0') | Out-Null
        (Get-Content -Raw (Join-Path $State 'pve/firewall-101.json') | ConvertFrom-Json).macfilter | Should -Be 0
        $vmbr1 = (Invoke-Pve -Path '/nodes/pve2/network?type=bridge' -Node pve2).Body.data | Where-Object iface -EQ 'vmbr1'
        $vmbr1.bridge_vlan_aware | Should -Be 1
        $vmbr1.bridge_vids | Should -Be '2-4094'
    }

    It 'fails the next matching call once when inject.json asks for it' {
        Set-Content (Join-Path $State 'pve/inject.json') '{"failNext":{"path":"/nodes/pve1/qemu/101/status/current","status":500,"message":"injected"}}'
        $failed = Invoke-Pve -Path '/nodes/pve1/qemu/101/status/current'
        $failed.Status | Should -Be 500
        $failed.Body.message | Should -Match 'injected'
        (Invoke-Pve -Path '/nodes/pve1/qemu/101/status/current').Status | Should -Be 200
    }
}

Describe 'PVE API simulator, Proxmox VE 8 profile' -Tag 'Lab' {
    BeforeAll {
        # One node process is enough: the cluster state (both nodes, both fake VMs) is shared through the state dir.
        $script:Pve8State = Join-Path ([IO.Path]::GetTempPath()) ("haedge-labsim8-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
        New-Item -ItemType Directory $Pve8State | Out-Null
        $script:Pve8 = Start-LabSimulator serve-pve pve1 $Pve8State -ExtraArguments '--fake-vms', '--profile', 'pve-8'
        $secret = (Get-Content -Raw (Join-Path $Pve8State 'pve/tokens.json') | ConvertFrom-Json | Where-Object id -EQ 'haedge@pve!edge').secret
        function Invoke-Pve8([string] $Method = 'GET', [string] $Path, [string[]] $Form = @()) {
            $curlArgs = @('-sS', '--cacert', (Join-Path $Pve8State 'pve/cert.pem'), '-X', $Method, '-o', '-', '-D', (Join-Path $Pve8State 'headers'), '-w', "`n%{http_code}",
                '-H', "Authorization: PVEAPIToken=haedge@pve!edge=$secret")
            foreach ($field in $Form) { $curlArgs += @('--data-urlencode', $field) }
            $out = (& curl @curlArgs "https://127.0.0.1:$($Pve8.Port)/api2/json$Path") -join "`n"
            $split = $out.LastIndexOf("`n")
            $raw = $out.Substring(0, $split)
            [pscustomobject]@{
                Status = [int]$out.Substring($split + 1); Raw = $raw; Body = ($raw | ConvertFrom-Json)
                StatusLine = (Get-Content (Join-Path $Pve8State 'headers') -TotalCount 1).Trim()
            }
        }
    }

    AfterAll {
        Stop-LabSimulator $Pve8
        Remove-Item -Recurse -Force $Pve8State -ErrorAction SilentlyContinue
    }

    It 'has no HA rules: pve-manager''s 501 with the reason in the status line and the body (HTTPServer.pm, pve-http-server 5.2)' {
        $rules = Invoke-Pve8 -Path '/cluster/ha/rules'
        $rules.Status | Should -Be 501
        $rules.StatusLine | Should -Be "HTTP/1.1 501 Method 'GET /cluster/ha/rules' not implemented"
        $rules.Raw | Should -Be '{"data":null,"message":"Method ''GET /cluster/ha/rules'' not implemented"}'
        (Invoke-Pve8 -Method POST -Path '/cluster/ha/rules' -Form @('rule=x', 'type=resource-affinity', 'resources=vm:101,vm:102', 'affinity=negative')).Body.message |
            Should -Be "Method 'POST /cluster/ha/rules' not implemented"
        (Invoke-Pve8 -Path '/version').Body.data.release | Should -Be '8.4'
    }

    It 'keeps HA groups: create, list, bind a resource, refuse to delete a group in use' {
        (Invoke-Pve8 -Path '/cluster/ha/groups').Raw | Should -Be '{"data":[]}'
        (Invoke-Pve8 -Method POST -Path '/cluster/ha/groups' -Form @('group=fw1-only', 'nodes=pve1', 'restricted=1', 'comment=fw1 on pve1')).Status | Should -Be 200
        (Invoke-Pve8 -Method POST -Path '/cluster/ha/groups' -Form @('group=fw1-only', 'nodes=pve1')).Body.message | Should -Be "create ha group failed: ha group ID 'fw1-only' already defined`n"
        $group = (Invoke-Pve8 -Path '/cluster/ha/groups').Body.data
        $group.group | Should -Be 'fw1-only'
        $group.type | Should -Be 'group'
        $group.nodes | Should -Be 'pve1'
        $group.restricted | Should -Be 1
        (Invoke-Pve8 -Method POST -Path '/cluster/ha/resources' -Form @('sid=vm:101')).Status | Should -Be 200
        (Invoke-Pve8 -Method PUT -Path '/cluster/ha/resources/vm:101' -Form @('group=nowhere')).Body.message | Should -Be "HA group 'nowhere' does not exist`n"
        (Invoke-Pve8 -Method PUT -Path '/cluster/ha/resources/vm:101' -Form @('group=fw1-only')).Status | Should -Be 200
        $resource = (Invoke-Pve8 -Path '/cluster/ha/resources').Body.data
        $resource.group | Should -Be 'fw1-only'
        $resource.PSObject.Properties.Name | Should -Not -Contain 'failback' -Because 'failback is new in pve-ha-manager 5 (PVE 9)'
        (Invoke-Pve8 -Method DELETE -Path '/cluster/ha/groups/fw1-only').Body.message | Should -Be "delete ha group failed: ha group is used by service 'vm:101'`n"
        Invoke-Pve8 -Method DELETE -Path '/cluster/ha/resources/vm:101' | Out-Null
        (Invoke-Pve8 -Method DELETE -Path '/cluster/ha/groups/fw1-only').Status | Should -Be 200
        (Invoke-Pve8 -Path '/cluster/ha/groups').Raw | Should -Be '{"data":[]}'
    }
}

Describe 'pfSense XMLRPC endpoint and config sync' -Tag 'Lab' {
    It 'answers host_firmware_version in pfSense''s shape' {
        $response = Invoke-XmlRpc fw2 (New-Call 'pfsense.host_firmware_version' '<param><value><string></string></value></param><param><value><int>240</int></value></param>')
        $members = $response.methodResponse.params.param.value.struct.member
        $members.name | Should -Be @('firmware', 'kernel', 'base', 'platform', 'config_version')
        ($members | Where-Object name -EQ 'firmware').value.struct.member.value.string | Should -Be '2.7.2-RELEASE'
        ($members | Where-Object name -EQ 'config_version').value.string | Should -Be '23.3'
    }

    It 'faults -1 on a bad password, -2 without the HA sync privilege, -32601 on an unknown method' {
        (Get-Fault (Invoke-XmlRpc fw1 (New-Call 'pfsense.host_firmware_version') -Password 'wrong')).Code | Should -Be -1
        $users = Join-Path $State 'fw1/xmlrpc/users.json'
        $list = @(Get-Content -Raw $users | ConvertFrom-Json) + @([pscustomobject]@{ name = 'auditor'; password = 'pw'; admin = $false; privileges = @() })
        Set-Content $users (ConvertTo-Json -InputObject $list -Depth 4)
        $noPrivilege = Get-Fault (Invoke-XmlRpc fw1 (New-Call 'pfsense.host_firmware_version') -User auditor -Password pw)
        $noPrivilege.Code | Should -Be -2
        $noPrivilege.Message | Should -Be 'Authentication failed: not enough privileges'
        (Get-Fault (Invoke-XmlRpc fw1 (New-Call 'pfsense.exec_php' '<param><value><string>1;</string></value></param>'))).Code | Should -Be -32601
    }

    It 'returns config sections with backup_config_section' {
        $response = Invoke-XmlRpc fw2 (New-Call 'pfsense.backup_config_section' '<param><value><array><data><value><string>virtualip</string></value><value><string>hasync</string></value></data></array></value></param>')
        $sections = $response.methodResponse.params.param.value.struct.member
        $sections.name | Should -Be @('virtualip', 'hasync')
        $vips = ($sections | Where-Object name -EQ 'virtualip').value.struct.member.value.array.data.value
        $vips.Count | Should -Be 3
        $vips | ForEach-Object { ($_.struct.member | Where-Object name -EQ 'advskew').value.string | Should -Be '100' }
        $hasync = ($sections | Where-Object name -EQ 'hasync').value.struct.member
        ($hasync | Where-Object name -EQ 'synchronizetoip').value.string | Should -Be ''
    }

    It 'overlays a section with merge_config_section, keeping what the call does not name' {
        $call = New-Call 'pfsense.merge_config_section' ('<param><value><struct><member><name>system</name><value><struct>' +
            '<member><name>timeservers</name><value><string>ntp.lab.haedge.arpa</string></value></member></struct></value></member></struct></value></param>' +
            '<param><value><int>900</int></value></param>')
        (Invoke-XmlRpc fw2 $call).methodResponse.params.param.value.boolean | Should -Be '1'
        $system = (Get-Config fw2).pfsense.system
        $system.timeservers | Should -Be 'ntp.lab.haedge.arpa'
        $system.hostname | Should -Be 'fw2'
    }

    It 'syncs fw1 to fw2 like rc.filter_synchronize: drift gone, nosync kept back, advskew +100, nothing printed, success recorded' {
        Edit-Config fw2 { param($t) $t.Replace('<name>ADMIN_HOSTS</name>', '<name>DRIFTED</name>') }
        Edit-Config fw1 { param($t) $t.Replace('<tracker>1700000101</tracker>', '<tracker>1700000101</tracker><nosync></nosync>') }
        $before = Get-Records fw1
        $sync = Invoke-Sync
        $sync.ExitCode | Should -Be 0
        $sync.Output | Should -BeNullOrEmpty
        $fw2 = Get-Config fw2
        $fw2.pfsense.aliases.alias.name | Should -Contain 'ADMIN_HOSTS'
        $fw2.pfsense.aliases.alias.name | Should -Not -Contain 'DRIFTED'
        $fw2.pfsense.filter.rule.tracker | Should -Not -Contain '1700000101'
        $fw2.pfsense.virtualip.vip | ForEach-Object { $_.advskew | Should -Be '100' }
        # restore_config_section names the merged sections first, then the replaced ones in its own order.
        $fw2.pfsense.revision.SelectSingleNode('description').InnerText |
            Should -Be 'Merged in config (staticroutes, gateways, virtualip, system, aliases, filter, nat, schedules sections) from XMLRPC client.'
        $url = "https://127.0.0.1:$($Port.fw2)/xmlrpc.php"
        $new = Get-NewRecords fw1 $before
        $new.ReloadStatus | Should -Be @('Building high availability sync information', 'Signaling CARP reload signal...', "XMLRPC sync successfully completed with $url.")
        $new.SystemLog | ForEach-Object { $_ | Should -Match '^[A-Z][a-z]{2} [ 123]\d \d\d:\d\d:\d\d fw1 php\[\d+\]: /etc/rc\.filter_synchronize: ' }
        ($new.SystemLog -replace '^.*?/etc/rc\.filter_synchronize: ') | Should -Be @(
            "Beginning XMLRPC sync data to $url.", "XMLRPC reload data success with $url (pfsense.host_firmware_version).",
            'XMLRPC versioncheck: 23.3 -- 23.3',
            "Beginning XMLRPC sync data to $url.", "XMLRPC reload data success with $url (pfsense.restore_config_section).")
        Edit-Config fw1 { param($t) $t.Replace('<nosync></nosync>', '') }
    }

    It 'keeps the secondary''s own admin and all group, replaces admins and deletes a user only it has, as restore_config_section does' {
        $fw1Admin = (Get-Config fw1).pfsense.system.user | Where-Object name -EQ 'admin'
        $fw2Admin = (Get-Config fw2).pfsense.system.user | Where-Object name -EQ 'admin'
        $fw2Admin.'bcrypt-hash' | Should -Match '^\$2y\$10\$'
        $fw2Admin.'bcrypt-hash' | Should -Not -Be $fw1Admin.'bcrypt-hash'
        Edit-Config fw2 { param($t) $t.Replace('<priv>page-all</priv>', '<priv>page-all</priv><priv>user-shell-access</priv>').Replace(
                '<nextuid>', '<user><name>temp</name><scope>user</scope><uid>2001</uid></user><nextuid>') }
        $before = Get-Records fw2

        (Invoke-Sync).ExitCode | Should -Be 0

        $fw2 = Get-Config fw2
        ($fw2.pfsense.system.user | Where-Object name -EQ 'admin').'bcrypt-hash' | Should -Be $fw2Admin.'bcrypt-hash'
        $fw2.pfsense.system.user.name | Should -Be @('admin', 'hasync')
        ($fw2.pfsense.system.group | Where-Object name -EQ 'admins').priv | Should -Be 'page-all'
        $fw2.pfsense.revision.SelectSingleNode('description').InnerText | Should -Be "Sync'd users and groups via XMLRPC"
        # Sorted by name after the change, as local_sync_accounts() leaves them.
        $fw2.pfsense.system.group.name | Should -Be @('admins', 'all')
        (Get-NewRecords fw2 $before).SystemLog -replace '^.*?/xmlrpc\.php: ' | Should -Be @('Removing user: temp', 'Removing group: admins', 'Adding group: admins')
    }

    It 'refuses a sync loop: the receiver whose sync target is the caller logs and applies nothing' {
        Edit-Config fw2 { param($t) $t.Replace('<synchronizetoip></synchronizetoip>', '<synchronizetoip>127.0.0.1</synchronizetoip>').Replace('<name>ADMIN_HOSTS</name>', '<name>DRIFTED</name>') }
        $sync = Invoke-Sync
        $sync.ExitCode | Should -Be 0
        (Get-Config fw2).pfsense.aliases.alias.name | Should -Contain 'DRIFTED'
        (Get-Records fw2).SystemLog[-1] | Should -Match 'php-fpm\[\d+\]: /xmlrpc\.php: Disallowing CARP sync loop$'
        Edit-Config fw2 { param($t) $t.Replace('<synchronizetoip>127.0.0.1</synchronizetoip>', '<synchronizetoip></synchronizetoip>') }
    }

    Context 'rc.filter_synchronize prints nothing and exits 0 whatever happens; the reason is in its records' {
        BeforeAll {
            # A closed loopback port: bound but not listening, so a connection is refused at once.
            $script:Closed = [Net.Sockets.Socket]::new([Net.Sockets.AddressFamily]::InterNetwork, [Net.Sockets.SocketType]::Stream, [Net.Sockets.ProtocolType]::Tcp)
            $Closed.Bind([Net.IPEndPoint]::new([Net.IPAddress]::Loopback, 0))
            $script:ClosedPort = $Closed.LocalEndPoint.Port
        }

        AfterAll { $Closed.Dispose() }

        It 'version mismatch: the version check, then the refusal in both records' {
            Edit-Config fw2 { param($t) $t.Replace('<version>23.3</version>', '<version>23.2</version>') }
            try {
                $before = Get-Records fw1
                $sync = Invoke-Sync
                ($sync.ExitCode, $sync.Output) | Should -Be @(0, '')
                $mismatch = 'The other member is on a different configuration version of pfSense. Sync will not be done to prevent problems!'
                $new = Get-NewRecords fw1 $before
                $new.ReloadStatus | Should -Be @('Building high availability sync information', $mismatch)
                ($new.SystemLog -replace '^.*?/etc/rc\.filter_synchronize: ')[-2..-1] | Should -Be @('XMLRPC versioncheck: 23.2 -- 23.3', $mismatch)
                (Get-Config fw2).pfsense.aliases.alias.name | Should -Contain 'DRIFTED'
            }
            finally { Edit-Config fw2 { param($t) $t.Replace('<version>23.2</version>', '<version>23.3</version>') } }
            (Invoke-Sync).ExitCode | Should -Be 0
            (Get-Config fw2).pfsense.aliases.alias.name | Should -Not -Contain 'DRIFTED'
        }

        It 'nothing ticked that has a section to send: the section check' {
            $saved = Get-Content -Raw (Join-Path $State 'fw1/config.xml')
            # DHCP relay ticked without a relay configured sends nothing (rc.filter_synchronize: is_array(dhcrelay)).
            Edit-Config fw1 { param($t) $t -replace '<synchronize(?!toip)[a-z0-9]+>on</synchronize[a-z0-9]+>', '' -replace '</hasync>', '<synchronizedhcrelay>on</synchronizedhcrelay></hasync>' }
            try {
                $before = Get-Records fw1
                $sync = Invoke-Sync
                ($sync.ExitCode, $sync.Output) | Should -Be @(0, '')
                $new = Get-NewRecords fw1 $before
                $new.ReloadStatus | Should -Be @('Building high availability sync information')
                ($new.SystemLog -replace '^.*?/etc/rc\.filter_synchronize: ') | Should -Be @('Nothing has been configured to be synched. Skipping....')
            }
            finally { Set-Content (Join-Path $State 'fw1/config.xml') $saved -NoNewline }
        }

        It 'wrong password on the secondary: four refused attempts, then the version could not be determined' {
            Edit-Config fw1 { param($t) $t -replace '(<hasync>[\s\S]*?<password><!\[CDATA\[)', '$1wrong-' }
            try {
                $before = Get-Records fw1
                $sync = Invoke-Sync
                ($sync.ExitCode, $sync.Output) | Should -Be @(0, '')
                $fault = 'Exception calling XMLRPC method host_firmware_version #-1 : Authentication failed: Invalid username or password'
                $undetermined = 'The pfSense software configuration version of the other member could not be determined. Skipping synchronization to avoid causing a problem!'
                $new = Get-NewRecords fw1 $before
                $new.ReloadStatus | Should -Be @('Building high availability sync information', $undetermined)
                $messages = $new.SystemLog -replace '^.*?/etc/rc\.filter_synchronize: '
                @($messages | Where-Object { $_ -eq $fault }).Count | Should -Be 5
                @($messages | Where-Object { $_ -eq "New alert found: $fault" }).Count | Should -Be 5
                @($messages | Where-Object { $_ -eq "Retrying XMLRPC Request due to error: $fault" }).Count | Should -Be 3
                $messages[-2..-1] | Should -Be @('XMLRPC versioncheck:  -- 23.3', $undetermined)
            }
            finally { Edit-Config fw1 { param($t) $t -replace '<password><!\[CDATA\[wrong-', '<password><![CDATA[' } }
        }

        It 'peer unreachable: four connection errors, then the version could not be determined' {
            $before = Get-Records fw1
            $sync = Invoke-Sync -PeerPort $ClosedPort
            ($sync.ExitCode, $sync.Output) | Should -Be @(0, '')
            $refused = "A communications error occurred while attempting to call XMLRPC method host_firmware_version: Failed to connect to 127.0.0.1 port ${ClosedPort}: Connection refused"
            $new = Get-NewRecords fw1 $before
            $messages = $new.SystemLog -replace '^.*?/etc/rc\.filter_synchronize: '
            @($messages | Where-Object { $_ -eq "Retrying XMLRPC Request due to error: $refused" }).Count | Should -Be 3
            $messages[-4..-1] | Should -Be @($refused, "New alert found: $refused", 'XMLRPC versioncheck:  -- 23.3',
                'The pfSense software configuration version of the other member could not be determined. Skipping synchronization to avoid causing a problem!')
        }

        It 'no sync target (the secondary): only the first status line' {
            $before = Get-Records fw2
            $output = & $Launcher[0] @($Launcher | Select-Object -Skip 1) sync-config --firewall fw2 --state-dir $State 2>&1
            $LASTEXITCODE | Should -Be 0
            $output | Should -BeNullOrEmpty
            $new = Get-NewRecords fw2 $before
            $new.ReloadStatus | Should -Be @('Building high availability sync information')
            $new.SystemLog | Should -BeNullOrEmpty
        }
    }
}

Describe 'pfSense 2.8 XMLRPC sync, Kea HA (profile pfsense-2.8)' -Tag 'Lab' {
    BeforeAll {
        $script:State28 = Join-Path ([IO.Path]::GetTempPath()) ("haedge-labsim28-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
        New-Item -ItemType Directory $State28 | Out-Null
        $script:Pfsense28 = @(
            Start-LabSimulator serve-xmlrpc fw1 $State28 -ExtraArguments '--sync-target', '127.0.0.1', '--profile', 'pfsense-2.8'
            Start-LabSimulator serve-xmlrpc fw2 $State28 -ExtraArguments '--profile', 'pfsense-2.8'
        )
        $script:Fw2Port28 = $Pfsense28[1].Port
        function Get-KeaHa([string] $Firewall) { (Get-Config $Firewall $State28).pfsense.kea.ha }
    }

    AfterAll {
        Stop-LabSimulator $script:Pfsense28
        Remove-Item -Recurse -Force $script:State28 -ErrorAction SilentlyContinue
    }

    It 'plays 2.8.0: its version, config version 23.9 and a Kea HA pair as a synced pair holds it' {
        $fw1 = Get-Config fw1 $State28
        $fw1.pfsense.version | Should -Be '23.9'
        $fw1.pfsense.hasync.synchronizedhcpd | Should -Be 'on'
        $fw1.pfsense.hasync.adminsync | Should -BeNullOrEmpty
        $fw1Ha = Get-KeaHa fw1
        $fw2Ha = Get-KeaHa fw2
        ($fw1Ha.role, $fw1Ha.localname, $fw1Ha.localport, $fw1Ha.remoteport) | Should -Be @('primary', 'fw1', '8765', '8766')
        ($fw2Ha.role, $fw2Ha.localname, $fw2Ha.localip, $fw2Ha.remoteip) | Should -Be @('standby', 'fw2', $fw1Ha.remoteip, $fw1Ha.localip)
        $fw2Ha.scertref | Should -Not -Be $fw1Ha.scertref
    }

    It 'sends Kea HA swapped and flipped, and the secondary keeps its own local name and certificate' {
        Edit-Config fw2 { param($t) $t.Replace('<role>standby</role>', '<role>primary</role>').Replace('<remoteport>8765</remoteport>', '<remoteport>9999</remoteport>') } $State28
        $fw1Ha = Get-KeaHa fw1
        $ownCert = (Get-KeaHa fw2).scertref

        $sync = Invoke-Sync -StateDir $State28 -PeerPort $Fw2Port28 -Arguments '--profile', 'pfsense-2.8'

        ($sync.ExitCode, $sync.Output) | Should -Be @(0, '')
        (Get-Records fw1 $State28).ReloadStatus[-1] | Should -Be "XMLRPC sync successfully completed with https://127.0.0.1:$Fw2Port28/xmlrpc.php."
        $ha = Get-KeaHa fw2
        ($ha.localip, $ha.remoteip, $ha.localport, $ha.remoteport) | Should -Be @($fw1Ha.remoteip, $fw1Ha.localip, $fw1Ha.remoteport, $fw1Ha.localport)
        ($ha.remotename, $ha.role, $ha.localname, $ha.scertref) | Should -Be @('fw1', 'standby', 'fw2', $ownCert)
        ($null -ne $ha.SelectSingleNode('tls')) | Should -BeTrue
        (Get-Config fw2 $State28).pfsense.revision.SelectSingleNode('description').InnerText |
            Should -Be 'Merged in config (staticroutes, gateways, virtualip, system, aliases, dhcpd, filter, kea, nat, schedules sections) from XMLRPC client.'
    }
}
