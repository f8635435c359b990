# Shared by the lab benchmarks, which measure from the lab's admin namespace as from an operator's laptop on the LAN.

# Runs $Script again inside $Namespace with the same PowerShell, its parameters and -InNamespace.
function Invoke-InLabNamespace {
    param([Parameter(Mandatory)] [string] $Script, [hashtable] $Parameters = @{}, [string] $Namespace = 'hel-admin')
    $process = (Get-Process -Id $PID).Path
    $pwsh = @($process) + @(if ((Split-Path -Leaf $process) -like 'dotnet*') { Join-Path $PSHOME 'pwsh.dll' })
    $arguments = foreach ($parameter in $Parameters.GetEnumerator()) {
        if ($parameter.Value -is [switch]) { if ($parameter.Value) { "-$($parameter.Key)" } }
        else { "-$($parameter.Key)"; ($parameter.Value | ForEach-Object { "$_" }) -join ',' }
    }
    & ip netns exec $Namespace @pwsh -NoProfile -NonInteractive -File $Script @arguments -InNamespace
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
