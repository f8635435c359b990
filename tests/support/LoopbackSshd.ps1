# A throwaway OpenSSH server on 127.0.0.1 for tests that need a real SSH peer without the lab: its own host key,
# one authorized client key, removed by Stop-LoopbackSshd. -ExtraConfig adds sshd_config lines (a ForceCommand, say).
function Start-LoopbackSshd {
    param([Parameter(Mandatory)] [string] $Directory, [string[]] $ExtraConfig = @())
    $sshd = Get-Command sshd -ErrorAction Ignore
    if (-not $sshd) { $sshd = Get-Item /usr/sbin/sshd -ErrorAction Ignore }
    if (-not $sshd) { throw 'sshd is not installed (Debian package openssh-server).' }
    New-Item -ItemType Directory -Force $Directory, /run/sshd | Out-Null
    & ssh-keygen -q -t ed25519 -N '' -f "$Directory/host_key" | Out-Null
    & ssh-keygen -q -t ed25519 -N '' -f "$Directory/client_key" | Out-Null
    Copy-Item "$Directory/client_key.pub" "$Directory/authorized_keys"
    # sshd cannot bind port 0 ("Badly formatted port number"), so a candidate port is tried and, if another process
    # took it first, the next one: sshd's own log says which happened ("Server listening on ..." or "Bind to port ...
    # failed"), and once it listens the port is held.
    $process = $null
    $port = 0
    foreach ($attempt in 1..20) {
        $port = Get-Random -Minimum 20000 -Maximum 60000
        @(
            "Port $port", 'ListenAddress 127.0.0.1', "HostKey $Directory/host_key", "PidFile $Directory/sshd.pid",
            "AuthorizedKeysFile $Directory/authorized_keys", 'StrictModes no', 'UsePAM no', 'PasswordAuthentication no',
            'KbdInteractiveAuthentication no', 'PermitRootLogin prohibit-password', 'UseDNS no', 'PrintMotd no', 'PrintLastLog no', 'GSSAPIAuthentication no'
        ) + $ExtraConfig | Set-Content "$Directory/sshd_config"
        $log = "$Directory/sshd-$attempt.log"
        $process = Start-Process -FilePath $sshd.Source -ArgumentList '-D', '-e', '-f', "$Directory/sshd_config" -PassThru -RedirectStandardError $log
        $deadline = [DateTime]::UtcNow.AddSeconds(30)
        $state = $null
        while (-not $state) {
            $text = Get-Content -Raw $log -ErrorAction Ignore
            if ($text -match "Server listening on 127\.0\.0\.1 port $port") { $state = 'listening' }
            elseif ($text -match 'Bind to port \d+ .*failed|Cannot bind any address' -or $process.HasExited) { $state = 'taken' }
            elseif ([DateTime]::UtcNow -gt $deadline) { $state = 'silent' }
            else { Start-Sleep -Milliseconds 20 }
        }
        if ($state -eq 'listening') { break }
        if (-not $process.HasExited) { $process.Kill($true); $process.WaitForExit(5000) | Out-Null }
        if ($state -eq 'silent') { throw "sshd did not start listening within 30 s: $(Get-Content -Raw $log -ErrorAction Ignore)" }
        $process = $null
    }
    if (-not $process) { throw 'sshd found no free loopback port in 20 attempts.' }
    $fingerprint = ((& ssh-keygen -lf "$Directory/host_key.pub") -split ' ')[1]
    [pscustomobject]@{ Process = $process; Port = $port; HostKey = $fingerprint; ClientKey = "$Directory/client_key"; User = (& id -un) }
}

function Stop-LoopbackSshd {
    param($Server)
    if ($Server -and -not $Server.Process.HasExited) { $Server.Process.Kill($true); $Server.Process.WaitForExit(5000) | Out-Null }
}

# An edge definition whose two firewalls are this loopback sshd, for tests that only need SSH.
function New-LoopbackEdgeDefinition {
    param([Parameter(Mandatory)] $Server, [Parameter(Mandatory)] [string] $Path, [string] $PinnedHostKey)
    $ssh = [ordered]@{ host = '127.0.0.1'; port = $Server.Port; user = $Server.User; keyFile = $Server.ClientKey }
    if ($PinnedHostKey) { $ssh.hostKeySha256 = $PinnedHostKey }
    [ordered]@{
        name      = 'loopback'
        proxmox   = @{ endpoints = @('https://127.0.0.1:9'); tokenId = 'test@pve!t'; tokenSecretVariable = 'HAEDGE_TEST_TOKEN' }
        firewalls = @(
            [ordered]@{ name = 'fw1'; role = 'primary'; vmId = 101; node = 'pve1'; ssh = $ssh }
            [ordered]@{ name = 'fw2'; role = 'secondary'; vmId = 102; node = 'pve2'; ssh = $ssh }
        )
    } | ConvertTo-Json -Depth 5 | Set-Content $Path
}
