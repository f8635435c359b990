# Shared by the Lab-tagged Pester files: drive the rehearsal lab and run the module where an operator's laptop
# would be, in the lab's admin workstation namespace. Needs Linux and root.
$script:LabRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
$script:LabStateDir = '/run/haedge-lab'

function Get-LabBinary {
    # build.ps1 Test builds the lab once and exports HAEDGE_LAB_BIN; a direct Pester run builds it here.
    if ($env:HAEDGE_LAB_BIN -and (Test-Path $env:HAEDGE_LAB_BIN)) { return $env:HAEDGE_LAB_BIN }
    $out = Join-Path $LabRoot 'output/lab'
    & dotnet build (Join-Path $LabRoot 'src/HaEdge.Lab/HaEdge.Lab.csproj') -c Release -o $out -nologo -v q | Out-Null
    if ($LASTEXITCODE -ne 0) { throw 'building src/HaEdge.Lab failed' }
    $env:HAEDGE_LAB_BIN = Join-Path $out 'haedge-lab.dll'
    $env:HAEDGE_LAB_BIN
}

function Invoke-Lab {
    param([Parameter(ValueFromRemainingArguments)] [string[]] $Arguments)
    $output = & dotnet (Get-LabBinary) @Arguments 2>&1 | Out-String
    if ($LASTEXITCODE -ne 0) { throw "haedge-lab $($Arguments -join ' ') failed ($LASTEXITCODE): $output" }
    $output
}

# Brings the lab up (idempotent) and returns where its edge definition and secrets are.
function Start-Lab {
    Invoke-Lab up | Out-Null
    [pscustomobject]@{
        StateDir   = $LabStateDir
        Definition = Join-Path $LabStateDir 'edge.json'
        EnvFile    = Join-Path $LabStateDir 'lab.env'
    }
}

# Runs a script block with the built module imported and connected to the lab, inside the admin namespace,
# in a fresh pwsh. Returns what the block outputs, deserialized (properties kept, types become Deserialized.*).
function Invoke-InLabAdmin {
    param(
        [Parameter(Mandatory)] [scriptblock] $ScriptBlock,
        [object[]] $ArgumentList = @(),
        [string] $ModulePath = $(if ($env:HAEDGE_MODULE_PATH) { $env:HAEDGE_MODULE_PATH } else { Join-Path $LabRoot 'output/HaEdge' })
    )
    $work = Join-Path ([IO.Path]::GetTempPath()) "haedge-admin-$([guid]::NewGuid().ToString('n'))"
    New-Item -ItemType Directory -Force $work | Out-Null
    try {
        $ArgumentList | Export-Clixml (Join-Path $work 'args.xml')
        @"
`$ErrorActionPreference = 'Stop'
Get-Content '$LabStateDir/lab.env' | Where-Object { `$_ -match '^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$' } |
    ForEach-Object { [Environment]::SetEnvironmentVariable(`$Matches[1], `$Matches[2].Trim('"', "'")) }
Import-Module '$ModulePath/HaEdge.psd1'
Connect-HaEdge '$LabStateDir/edge.json' | Out-Null
`$arguments = @(Import-Clixml '$work/args.xml')
`$block = [scriptblock]::Create((Get-Content -Raw '$work/block.ps1'))
try { & `$block @arguments | Export-Clixml -Depth 6 '$work/out.xml' }
catch { `$_ | Export-Clixml '$work/error.xml'; exit 1 }
"@ | Set-Content (Join-Path $work 'run.ps1')
        $ScriptBlock.ToString() | Set-Content (Join-Path $work 'block.ps1')
        $pwsh = Join-Path $PSHOME 'pwsh.dll'
        $log = & dotnet (Get-LabBinary) exec admin -- dotnet $pwsh -NoProfile -NonInteractive -File (Join-Path $work 'run.ps1') 2>&1 | Out-String
        if (Test-Path (Join-Path $work 'error.xml')) {
            $errorRecord = Import-Clixml (Join-Path $work 'error.xml')
            throw "In the lab's admin namespace: $($errorRecord.Exception.Message) [$($errorRecord.FullyQualifiedErrorId)]"
        }
        if ($LASTEXITCODE -ne 0) { throw "The admin-namespace run failed ($LASTEXITCODE): $log" }
        if (Test-Path (Join-Path $work 'out.xml')) { Import-Clixml (Join-Path $work 'out.xml') }
    }
    finally { Remove-Item $work -Recurse -Force -ErrorAction Ignore }
}
