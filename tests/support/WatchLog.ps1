# A Watch-HaEdge of the lab in its own PowerShell, writing each event as one JSON line the moment it is seen; the
# reading of that log; the wait for a condition. For Watch.Tests.ps1 and benchmarks/Watch-HaEdge.Benchmark.ps1.
# Dot-source support/Lab.ps1 first.

# Starts the watch (inside $Namespace when given; else in this process's namespace) and returns its process.
function Start-WatchLog {
    param(
        [Parameter(Mandatory)] [string] $Log,
        [Parameter(Mandatory)] [string] $ModulePath,
        # Watch-HaEdge's parameters, as PowerShell text.
        [string] $Arguments = '',
        [string] $Namespace
    )
    $script = [IO.Path]::ChangeExtension($Log, '.ps1')
    @"
`$ErrorActionPreference = 'Stop'
. '$LabRoot/tests/support/Lab.ps1'
Import-LabEnvironment '$LabStateDir'
Import-Module '$ModulePath/HaEdge.psd1'
Connect-HaEdge -Path '$LabStateDir/edge.json' | Out-Null
# The finally block runs when Ctrl+C stops the pipeline, not when the process is killed: the mark of a clean stop.
try { Watch-HaEdge $Arguments | ForEach-Object { ConvertTo-HaEdgeJson -InputObject `$_ -Compress | Add-Content '$Log' } }
finally { Set-Content '$Log.stopped' 'stopped' }
"@ | Set-Content $script
    $pwsh = Get-PwshLauncher
    # SIGINT at its default disposition: a shell that started this run in the background set it to ignored, which
    # every child inherits and .NET keeps, and then Ctrl+C (kill -INT) would not reach PowerShell. env execs, so
    # the process is the watch's own.
    $command = @('env', '--default-signal=INT') + @(if ($Namespace) { 'ip', 'netns', 'exec', $Namespace }) + $pwsh + @('-NoProfile', '-NonInteractive', '-File', $script)
    Start-Process $command[0] -PassThru -ArgumentList ($command | Select-Object -Skip 1) `
        -RedirectStandardError ([IO.Path]::ChangeExtension($Log, '.err')) -RedirectStandardOutput ([IO.Path]::ChangeExtension($Log, '.out'))
}

# The events written so far: whole lines only (the last may be half written).
function Read-WatchLog([Parameter(Mandatory)] [string] $Log) {
    if (-not (Test-Path $Log)) { return @() }
    $text = [IO.File]::ReadAllText($Log)
    @($text.Substring(0, $text.LastIndexOf("`n") + 1) -split "`n" | Where-Object { $_ } | ConvertFrom-Json)
}

# Polls $Condition until it holds; throws, saying what it waited for, when it does not within $Seconds.
function Wait-Condition([Parameter(Mandatory)] [scriptblock] $Condition, [Parameter(Mandatory)] [double] $Seconds, [Parameter(Mandatory)] [string] $What) {
    $deadline = [DateTime]::UtcNow.AddSeconds($Seconds)
    while (-not (& $Condition)) {
        if ([DateTime]::UtcNow -gt $deadline) { throw "Still waiting after $Seconds s: $What" }
        Start-Sleep -Milliseconds 100
    }
}
