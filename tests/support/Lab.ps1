# The one way anything starts, enters or stops the rehearsal lab (src/HaEdge.Lab): build.ps1, the Pester files, the
# benchmarks and the rehearsal all dot-source this file. The lab's namespaces need Linux and root; the simulators on
# loopback (Start-LabSimulator) need neither.
$script:LabRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
# The lab instance (src/HaEdge.Lab/LabLayout.cs): the default one, or another beside it when a process sets
# HAEDGE_LAB_PREFIX and HAEDGE_LAB_STATE_DIR before dot-sourcing this file (the lab program reads the same two).
$script:LabStateDir = if ($env:HAEDGE_LAB_STATE_DIR) { $env:HAEDGE_LAB_STATE_DIR } else { '/run/haedge-lab' }
$script:LabAdminNamespace = "$(if ($env:HAEDGE_LAB_PREFIX) { $env:HAEDGE_LAB_PREFIX } else { 'hel-' })admin"

# Points this file's functions, and the lab program they run, at another lab instance (a file with two of them).
function Use-LabInstance {
    param([Parameter(Mandatory)] [string] $Prefix, [Parameter(Mandatory)] [string] $StateDir)
    $env:HAEDGE_LAB_PREFIX = $Prefix
    $env:HAEDGE_LAB_STATE_DIR = $StateDir
    $script:LabStateDir = $StateDir
    $script:LabAdminNamespace = "${Prefix}admin"
}

function Test-LabPossible {
    $IsLinux -and ((& id -u) -eq '0')
}

# The lab program as a command line: dotnet plus its dll. build.ps1 builds it once per build and exports
# HAEDGE_LAB_BIN; anything run on its own builds it here (Release, into output/lab).
function Get-LabLauncher {
    if (-not ($env:HAEDGE_LAB_BIN -and (Test-Path $env:HAEDGE_LAB_BIN))) {
        $out = Join-Path $LabRoot 'output/lab'
        $build = & dotnet build (Join-Path $LabRoot 'src/HaEdge.Lab/HaEdge.Lab.csproj') -c Release -o $out -nologo -v q 2>&1
        if ($LASTEXITCODE -ne 0) { throw "building src/HaEdge.Lab failed: $($build | Out-String)" }
        $env:HAEDGE_LAB_BIN = Join-Path $out 'haedge-lab.dll'
    }
    @('dotnet', $env:HAEDGE_LAB_BIN)
}

# Runs one lab verb and returns what it printed; a non-zero exit is an error carrying that output.
function Invoke-Lab {
    param([Parameter(ValueFromRemainingArguments)] [string[]] $Arguments)
    $launcher = Get-LabLauncher
    $output = & $launcher[0] @($launcher | Select-Object -Skip 1) @Arguments 2>&1 | Out-String
    if ($LASTEXITCODE -ne 0) { throw "haedge-lab $($Arguments -join ' ') failed ($LASTEXITCODE): $output" }
    $output
}

# A freshly built, healthy lab (fw1 MASTER of every VIP, every gateway online, nothing injected) and where its edge
# definition and secrets are. Whatever an earlier run left (faults, a stopped VM, maintenance, config drift, HA rules)
# is gone: each test file starts from the same edge. -Profile chooses the releases the lab plays (`up --profile`,
# src/HaEdge.Lab/LabProfile.cs); without it the default profile.
function Start-Lab {
    param([ValidateSet('default', 'pfsense-2.7.0', 'pfsense-2.8', 'pve-8')] [string] $Profile)
    Invoke-Lab down | Out-Null
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $printed = if ($Profile) { Invoke-Lab up --profile $Profile } else { Invoke-Lab up }
    $upSeconds = $clock.Elapsed.TotalSeconds
    Wait-LabHealthy
    [pscustomobject]@{
        StateDir   = $LabStateDir
        Definition = Join-Path $LabStateDir 'edge.json'
        EnvFile    = Join-Path $LabStateDir 'lab.env'
        UpSeconds  = $upSeconds
        Output     = $printed
    }
}

# What keeps the running lab from being the edge as built, read by the lab itself (no module involved): an active
# fault, a firewall stopped or in maintenance, a VIP not MASTER on fw1 and BACKUP on fw2, a gateway not online.
function Get-LabUnhealthy {
    $status = Invoke-Lab status --json | ConvertFrom-Json
    foreach ($fault in @($status.faults)) { "fault: $fault" }
    foreach ($firewall in @($status.firewalls)) {
        $expected = if ($firewall.name -eq 'fw1') { 'MASTER' } else { 'BACKUP' }
        if (-not $firewall.running) { "$($firewall.name) is not running" }
        if ($firewall.maintenance) { "$($firewall.name) is in maintenance" }
        foreach ($vip in @($firewall.vips | Where-Object state -NE $expected)) { "$($firewall.name) is $($vip.state) of vhid $($vip.vhid)" }
        foreach ($gateway in @($firewall.gateways | Where-Object status -NE 'online')) { "$($gateway.name) of $($firewall.name) is $($gateway.status)" }
    }
}

# Waits, bounded, until the lab is the edge as built (Get-LabUnhealthy says nothing); throws with what is still
# wrong. A test that needs a healthy edge calls it rather than trusting what the test before it left.
function Wait-LabHealthy {
    param([int] $TimeoutSeconds = 90)
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    while ($wrong = @(Get-LabUnhealthy)) {
        if ([DateTime]::UtcNow -gt $deadline) { throw "The lab is not healthy after $TimeoutSeconds s: $($wrong -join '; ')" }
        Start-Sleep -Milliseconds 250
    }
}

# Undoes whatever an earlier test may have left (each lab fault, a firewall stopped, maintenance, a gateway marked
# down, an injected Proxmox failure) and waits for the healthy edge.
function Reset-Lab {
    $status = Invoke-Lab status --json | ConvertFrom-Json
    foreach ($fault in @($status.faults)) { Invoke-Lab (@('heal') + (($fault -split ':')[0] -split ' ')) | Out-Null }
    foreach ($firewall in @($status.firewalls)) {
        if (-not $firewall.running) { Invoke-Lab heal hard-stop $firewall.name | Out-Null }
        if ($firewall.maintenance) { Invoke-LabSsh $firewall.name 'pfSsh.php playback disablecarpmaint' | Out-Null }
        # pfSense's force_down lives in the firewall's config; the lab keeps it as a flag file there.
        Remove-Item (Join-Path $LabStateDir "$($firewall.name)/persist/force_down-*") -ErrorAction Ignore
    }
    Remove-Item (Join-Path $LabStateDir 'pve/inject.json') -ErrorAction Ignore
    Wait-LabHealthy
}

# One command on a lab firewall or PVE node over its real SSH, from the admin namespace, with the lab's pinned host
# keys; what it printed, or an error carrying that. -User admin meets the firewall's admin shell (rc.initial).
function Invoke-LabSsh {
    param(
        [Parameter(Mandatory)] [ValidateSet('fw1', 'fw2', 'pve1', 'pve2')] [string] $Target,
        [Parameter(Mandatory)] [string] $Command,
        [ValidateSet('root', 'admin')] [string] $User = 'root'
    )
    $address = @{ fw1 = '192.0.2.2'; fw2 = '192.0.2.3'; pve1 = '192.0.2.31'; pve2 = '192.0.2.32' }[$Target]
    $output = & ip netns exec $LabAdminNamespace ssh -i "$LabStateDir/keys/id_ed25519" -o "UserKnownHostsFile=$LabStateDir/keys/known_hosts" `
        -o StrictHostKeyChecking=yes -o BatchMode=yes -o ConnectTimeout=10 "$User@$address" $Command 2>&1 | Out-String
    if ($LASTEXITCODE -ne 0) { throw "ssh $Target '$Command' failed ($LASTEXITCODE): $output" }
    $output
}

function Stop-Lab {
    Invoke-Lab down | Out-Null
}

# This PowerShell as a command line (the pinned dotnet tool runs as 'dotnet pwsh.dll').
function Get-PwshLauncher {
    $process = (Get-Process -Id $PID).Path
    @($process) + @(if ((Split-Path -Leaf $process) -like 'dotnet*') { Join-Path $PSHOME 'pwsh.dll' })
}

# The lab's secrets (PVE token, XMLRPC passwords) as the edge definition names them, into this process's environment.
function Import-LabEnvironment {
    param([string] $StateDir = $LabStateDir, [string] $File = "$StateDir/lab.env")
    Get-Content $File | Where-Object { $_ -match '^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$' } |
        ForEach-Object { [Environment]::SetEnvironmentVariable($Matches[1], $Matches[2].Trim('"', "'")) }
}

# Runs $Script again inside the admin namespace with this PowerShell, its parameters and -InNamespace (the
# benchmarks measure from there, as from an operator's laptop on the LAN). -Command, not -File: -File passes an
# array parameter as one string. What it prints goes to the host; returns the script's exit code.
function Invoke-InLabNamespace {
    param([Parameter(Mandatory)] [string] $Script, [hashtable] $Parameters = @{}, [string] $Namespace = $LabAdminNamespace)
    $quote = { param($value) "'" + ("$value" -replace "'", "''") + "'" }
    $arguments = foreach ($parameter in $Parameters.GetEnumerator()) {
        "-$($parameter.Key) " + (@($parameter.Value | ForEach-Object { & $quote $_ }) -join ',')
    }
    $pwsh = Get-PwshLauncher
    & ip netns exec $Namespace @pwsh -NoProfile -NonInteractive -Command "& $(& $quote $Script) $($arguments -join ' ') -InNamespace; exit `$LASTEXITCODE" | Out-Host
    $LASTEXITCODE
}

# Runs a script block with the built module imported and connected to the lab, inside the admin namespace, in a
# fresh pwsh. Returns what the block outputs, deserialized (properties kept, types become Deserialized.*). The run
# is bounded: a hang fails the caller after $TimeoutSeconds instead of stalling the suite.
function Invoke-InLabAdmin {
    param(
        [Parameter(Mandatory)] [scriptblock] $ScriptBlock,
        [object[]] $ArgumentList = @(),
        [string] $ModulePath = $(if ($env:HAEDGE_MODULE_PATH) { $env:HAEDGE_MODULE_PATH } else { Join-Path $LabRoot 'output/HaEdge' }),
        [int] $TimeoutSeconds = 600
    )
    $work = Join-Path ([IO.Path]::GetTempPath()) "haedge-admin-$([guid]::NewGuid().ToString('n'))"
    New-Item -ItemType Directory -Force $work | Out-Null
    try {
        $ArgumentList | Export-Clixml (Join-Path $work 'args.xml')
        @"
`$ErrorActionPreference = 'Stop'
. '$LabRoot/tests/support/Lab.ps1'
Import-LabEnvironment '$LabStateDir'
Import-Module '$ModulePath/HaEdge.psd1'
# -SkipCheck: connections open on first use, so a firewall the block restarts leaves no dead pooled connection.
Connect-HaEdge -SkipCheck '$LabStateDir/edge.json' | Out-Null
`$arguments = @(Import-Clixml '$work/args.xml')
`$block = [scriptblock]::Create((Get-Content -Raw '$work/block.ps1'))
try { & `$block @arguments | Export-Clixml -Depth 6 '$work/out.xml' }
catch { `$_ | Export-Clixml '$work/error.xml'; exit 1 }
"@ | Set-Content (Join-Path $work 'run.ps1')
        $ScriptBlock.ToString() | Set-Content (Join-Path $work 'block.ps1')
        $pwsh = Get-PwshLauncher
        $log = Join-Path $work 'log.txt'
        $process = Start-Process -FilePath ip -PassThru -RedirectStandardOutput $log -RedirectStandardError "$log.err" -ArgumentList (
            @('netns', 'exec', $LabAdminNamespace) + $pwsh + @('-NoProfile', '-NonInteractive', '-File', (Join-Path $work 'run.ps1')))
        if (-not $process.WaitForExit($TimeoutSeconds * 1000)) {
            $process.Kill($true)
            throw "The admin-namespace run did not end within $TimeoutSeconds s: $(Get-Content -Raw $log -ErrorAction Ignore)"
        }
        $process.WaitForExit()
        if (Test-Path (Join-Path $work 'error.xml')) {
            $errorRecord = Import-Clixml (Join-Path $work 'error.xml')
            throw "In the lab's admin namespace: $($errorRecord.Exception.Message) [$($errorRecord.FullyQualifiedErrorId)]"
        }
        if ($process.ExitCode -ne 0) {
            throw "The admin-namespace run failed ($($process.ExitCode)): $(Get-Content -Raw $log -ErrorAction Ignore) $(Get-Content -Raw "$log.err" -ErrorAction Ignore)"
        }
        if (Test-Path (Join-Path $work 'out.xml')) { Import-Clixml (Join-Path $work 'out.xml') }
    }
    finally { Remove-Item $work -Recurse -Force -ErrorAction Ignore }
}

# One of the lab's simulators (serve-pve, serve-xmlrpc) on loopback with a throw-away state directory, no namespaces.
# It binds a free port itself (--listen 127.0.0.1:0) and prints it once it listens; this waits for that line, so
# no port is chosen here and released for another process to take.
function Start-LabSimulator {
    param(
        [Parameter(Mandatory)] [ValidateSet('serve-pve', 'serve-xmlrpc')] [string] $Verb,
        # pve1/pve2 for serve-pve, fw1/fw2 for serve-xmlrpc.
        [Parameter(Mandatory)] [string] $Name,
        [Parameter(Mandatory)] [string] $StateDir,
        [string[]] $ExtraArguments = @(),
        [int] $TimeoutSeconds = 60
    )
    $launcher = Get-LabLauncher
    $nameOption = if ($Verb -eq 'serve-pve') { '--node' } else { '--firewall' }
    $out = Join-Path $StateDir "$Name.out"
    $process = Start-Process -FilePath $launcher[0] -PassThru -RedirectStandardOutput $out -RedirectStandardError (Join-Path $StateDir "$Name.err") `
        -ArgumentList (@($launcher | Select-Object -Skip 1) + @($Verb, $nameOption, $Name, '--listen', '127.0.0.1:0', '--state-dir', $StateDir) + $ExtraArguments)
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    while ($true) {
        $banner = Select-String -Path $out -Pattern "^$Verb \S+ on https://127\.0\.0\.1:(\d+)" -ErrorAction Ignore | Select-Object -First 1
        if ($banner) { break }
        if ($process.HasExited -or [DateTime]::UtcNow -gt $deadline) {
            if (-not $process.HasExited) { $process.Kill($true) }
            throw "$Verb $Name did not start: $(Get-Content -Raw (Join-Path $StateDir "$Name.err") -ErrorAction Ignore)"
        }
        Start-Sleep -Milliseconds 50
    }
    [pscustomobject]@{ Name = $Name; Process = $process; Port = [int]$banner.Matches[0].Groups[1].Value }
}

function Stop-LabSimulator {
    param($Simulator)
    foreach ($s in @($Simulator)) {
        if ($s -and -not $s.Process.HasExited) { $s.Process.Kill($true); $s.Process.WaitForExit(5000) | Out-Null }
    }
}
