# Shared by the lab benchmarks, which measure from the lab's admin namespace as from an operator's laptop on the LAN.

# Runs $Script again inside $Namespace with the same PowerShell, its parameters and -InNamespace. -Command, not
# -File: -File passes an array parameter as one string.
function Invoke-InLabNamespace {
    param([Parameter(Mandatory)] [string] $Script, [hashtable] $Parameters = @{}, [string] $Namespace = 'hel-admin')
    $process = (Get-Process -Id $PID).Path
    $pwsh = @($process) + @(if ((Split-Path -Leaf $process) -like 'dotnet*') { Join-Path $PSHOME 'pwsh.dll' })
    $quote = { param($value) "'" + ("$value" -replace "'", "''") + "'" }
    $arguments = foreach ($parameter in $Parameters.GetEnumerator()) {
        "-$($parameter.Key) " + (@($parameter.Value | ForEach-Object { & $quote $_ }) -join ',')
    }
    & ip netns exec $Namespace @pwsh -NoProfile -NonInteractive -Command "& $(& $quote $Script) $($arguments -join ' ') -InNamespace"
}

# The lab's secrets (PVE token, XMLRPC passwords) as the edge definition names them, into this process's environment.
function Import-LabEnvironment([string] $StateDir) {
    foreach ($line in Get-Content "$StateDir/lab.env") {
        $name, $value = $line -split '=', 2
        [Environment]::SetEnvironmentVariable($name, $value)
    }
}

# True when the rehearsal lab is up; else says which benchmark it skips.
function Test-LabUp([string] $StateDir, [string] $Benchmark) {
    if (Test-Path "$StateDir/edge.json") { return $true }
    Write-Warning "The rehearsal lab is not up ($StateDir/edge.json missing): $Benchmark benchmark skipped."
    $false
}
