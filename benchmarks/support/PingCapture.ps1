# An independent `ping -D -O` capture from the namespace this runs in, set beside Test-HaFailover's own outage
# figures: the accuracy benchmark and the HardStop lab test use it. Needs iputils ping (root for intervals < 200 ms).

# Starts the capture; -O reports each unanswered probe, -n keeps DNS out of the timing.
function Start-PingCapture([Parameter(Mandatory)] [string] $Target, [double] $IntervalMs = 20) {
    $file = New-TemporaryFile
    $process = Start-Process ping -PassThru -RedirectStandardOutput $file.FullName -ArgumentList @(
        '-D', '-O', '-n', '-i', ($IntervalMs / 1000).ToString([cultureinfo]::InvariantCulture), $Target)
    # A few replies before the run starts, so the capture covers its baseline.
    $deadline = [DateTime]::UtcNow.AddSeconds(20)
    while (@(Select-String -Path $file.FullName -Pattern ' bytes from ' -ErrorAction Ignore).Count -lt 3) {
        if ($process.HasExited -or [DateTime]::UtcNow -gt $deadline) { throw "ping $Target got no replies: $(Get-Content -Raw $file.FullName)" }
        Start-Sleep -Milliseconds 20
    }
    [pscustomobject]@{ Process = $process; File = $file.FullName }
}

# The capture's reader is test support, not part of the module: compiled here from the one C# file the xunit tests
# also compile. Called once the module is imported, whose HaEdge.Core it builds on.
function Import-PingCaptureType {
    if ('HaEdge.Core.Tests.Support.PingCapture' -as [type]) { return }
    $source = Join-Path $PSScriptRoot '../../tests/HaEdge.Core.Tests/Support/PingCapture.cs'
    # Naming references replaces Add-Type's defaults (the runtime's reference assemblies): keep them and add HaEdge.Core.
    $references = @((Get-ChildItem (Join-Path $PSHOME 'ref') -Filter *.dll).FullName) + [HaEdge.Core.Failover.FailoverResult].Assembly.Location
    # Warnings are the xunit build's to catch: it compiles this same file with warnings as errors.
    Add-Type -Path $source -ReferencedAssemblies $references -IgnoreWarnings -WarningAction SilentlyContinue
}

# Stops the capture (SIGINT: ping flushes and exits) and returns one PingCapture comparison per result, each over
# that scenario's failover window. The results share one run clock, so one capture serves them all.
function Stop-PingCapture([Parameter(Mandatory)] $Capture, [object[]] $Results = @()) {
    try {
        & kill -INT $Capture.Process.Id
        $Capture.Process.WaitForExit()
        $results = @($Results | Where-Object { $_ })
        if ($results.Count -eq 0) { return }
        Import-PingCaptureType
        $samples = [HaEdge.Core.Tests.Support.PingCapture]::Parse((Get-Content -Raw $Capture.File), $results[0].RunStartedAt, 'ping -D')
        foreach ($result in $results) { [HaEdge.Core.Tests.Support.PingCapture]::Compare($result, $samples) }
    }
    finally { Remove-Item $Capture.File -ErrorAction Ignore }
}
