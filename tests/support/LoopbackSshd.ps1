# A throwaway OpenSSH server on 127.0.0.1 for tests that need a real SSH peer without the lab: its own host key,
# one authorized client key, removed by Stop-LoopbackSshd.
function Start-LoopbackSshd {
    param([Parameter(Mandatory)] [string] $Directory)
    $sshd = Get-Command sshd -ErrorAction Ignore
    if (-not $sshd) { $sshd = Get-Item /usr/sbin/sshd -ErrorAction Ignore }
    if (-not $sshd) { throw 'sshd is not installed (Debian package openssh-server).' }
    New-Item -ItemType Directory -Force $Directory, /run/sshd | Out-Null
    & ssh-keygen -q -t ed25519 -N '' -f "$Directory/host_key" | Out-Null
    & ssh-keygen -q -t ed25519 -N '' -f "$Directory/client_key" | Out-Null
    Copy-Item "$Directory/client_key.pub" "$Directory/authorized_keys"
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start(); $port = $listener.LocalEndpoint.Port; $listener.Stop()
    @(
        "Port $port", 'ListenAddress 127.0.0.1', "HostKey $Directory/host_key", "PidFile $Directory/sshd.pid",
        "AuthorizedKeysFile $Directory/authorized_keys", 'StrictModes no', 'UsePAM no', 'PasswordAuthentication no',
        'KbdInteractiveAuthentication no', 'PermitRootLogin prohibit-password', 'UseDNS no', 'PrintMotd no', 'PrintLastLog no', 'GSSAPIAuthentication no'
    ) | Set-Content "$Directory/sshd_config"
    $process = Start-Process -FilePath $sshd.Source -ArgumentList '-D', '-e', '-f', "$Directory/sshd_config" -PassThru `
        -RedirectStandardError "$Directory/sshd.log"
    $deadline = [DateTime]::UtcNow.AddSeconds(10)
    while ([DateTime]::UtcNow -lt $deadline) {
        try { [System.Net.Sockets.TcpClient]::new('127.0.0.1', $port).Dispose(); break } catch { Start-Sleep -Milliseconds 50 }
    }
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
