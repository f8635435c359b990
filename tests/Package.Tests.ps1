#Requires -Modules Pester
# The package users install. It is made from the module this test run built, by the same script the Package task
# runs (tools/Publish-Package.ps1), into a repository of the test's own, so the test neither rebuilds output/HaEdge
# (other test files import it meanwhile) nor needs the lab. Then, as a user would: Install-PSResource from that local
# repository into a clean module path, import it in a fresh process whose only module path that is, and use it.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $PSScriptRoot 'support/Lab.ps1')
    $script:Root = (Resolve-Path (Join-Path $PSScriptRoot '..')).Path
    $script:Pwsh = Get-PwshLauncher
    $script:Manifest = Import-PowerShellDataFile (Join-Path $ModulePath 'HaEdge.psd1')
    $script:Version = $Manifest.ModuleVersion

    # A fresh process of this PowerShell with these arguments and environment variables, in an empty working
    # directory (nothing may land there): its exit code and output.
    $script:WorkingDirectory = (New-Item -ItemType Directory (Join-Path $TestDrive 'cwd')).FullName
    function Invoke-Fresh([string[]] $Arguments, [hashtable] $Environment = @{}) {
        $start = [System.Diagnostics.ProcessStartInfo]::new($Pwsh[0])
        $start.WorkingDirectory = $WorkingDirectory
        foreach ($argument in @($Pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive') + $Arguments) { $start.ArgumentList.Add($argument) }
        foreach ($name in $Environment.Keys) { $start.Environment[$name] = $Environment[$name] }
        $start.RedirectStandardOutput = $true
        $start.RedirectStandardError = $true
        $start.UseShellExecute = $false
        $process = [System.Diagnostics.Process]::Start($start)
        $errors = $process.StandardError.ReadToEndAsync()
        $output = $process.StandardOutput.ReadToEnd()
        $process.WaitForExit()
        [pscustomobject]@{ ExitCode = $process.ExitCode; Output = $output; Errors = $errors.Result }
    }

    # PSResourceGet's list of repositories for this user, and the NuGet config it writes: packaging and installing
    # must leave them as they were.
    $script:UserFiles = @(
        Join-Path ([Environment]::GetFolderPath('LocalApplicationData', 'DoNotVerify')) 'PSResourceGet/PSResourceRepository.xml'
        Join-Path ([Environment]::GetFolderPath('ApplicationData', 'DoNotVerify')) 'NuGet/NuGet.Config'
    )
    $state = { foreach ($file in $UserFiles) { if (Test-Path $file) { (Get-FileHash $file).Hash } else { "no $file" } } }
    $script:UserFilesBefore = & $state

    $script:Repository = Join-Path $TestDrive 'repository'
    $script:Published = Invoke-Fresh @('-File', "$Root/tools/Publish-Package.ps1", '-ModulePath', $ModulePath, '-LicensePath', "$Root/LICENSE", '-RepositoryPath', $Repository)
    $script:Package = Get-ChildItem $Repository -Filter '*.nupkg' -ErrorAction Ignore
    Add-Type -AssemblyName System.IO.Compression.FileSystem
    $script:Entries = if ($Package) {
        $zip = [System.IO.Compression.ZipFile]::OpenRead($Package.FullName)
        try { @($zip.Entries.FullName) } finally { $zip.Dispose() }
    }

    # A user of their own: Install-PSResource -Scope CurrentUser puts the module in this home's module folder.
    $script:UserHome = Join-Path $TestDrive 'home'
    $script:CleanPath = Join-Path $UserHome '.local/share/powershell/Modules'
    $asUser = @{ HOME = $UserHome; XDG_DATA_HOME = (Join-Path $UserHome '.local/share'); XDG_CONFIG_HOME = (Join-Path $UserHome '.config') }
    foreach ($folder in $asUser.XDG_DATA_HOME, $asUser.XDG_CONFIG_HOME) { New-Item -ItemType Directory -Force $folder | Out-Null }
    $script:Installed = Invoke-Fresh -Environment $asUser -Arguments @('-Command', @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name HaEdgeLocal -Uri '$Repository' -Trusted
Install-PSResource -Name HaEdge -Version '$Version' -Repository HaEdgeLocal -Scope CurrentUser
"@)

    # Only the clean folder as module path, so nothing else could supply HaEdge (nor PowerShell's own modules: the
    # script uses .NET for files and JSON).
    $definition = Join-Path $TestDrive 'edge.json'
    $script:Used = Invoke-Fresh -Environment $asUser -Arguments @('-Command', @"
`$ErrorActionPreference = 'Stop'
`$env:PSModulePath = '$CleanPath'
Import-Module HaEdge
`$facts = @{ ModuleBase = (Get-Module HaEdge).ModuleBase; Available = @(Get-Module HaEdge -ListAvailable).Count }
New-HaEdgeDefinition -Path '$definition' | Out-Null
# One endpoint, and without the starter's pins, which are bound to the endpoints it names; the nodes' SSH host keys
# filled in (the starter's placeholders are refused).
`$text = [System.IO.File]::ReadAllText('$definition') -replace '"endpoints": \[[^\]]*\]', '"endpoints": ["https://127.0.0.1:1"]' -replace '"certificateSha256": \{[^}]*\},', '' -replace 'SHA256:A{43}', ('SHA256:' + 'C' * 43) -replace 'SHA256:B{43}', ('SHA256:' + 'D' * 43)
[System.IO.File]::WriteAllText('$definition', `$text)
`$token = [pscredential]::new('haedge@pve!edge', [System.Net.NetworkCredential]::new('', 'not-a-secret').SecurePassword)
Connect-HaEdge -SkipCheck -Path '$definition' -Credential `$token | Out-Null
try { Get-HaEdgeNode -ErrorAction Stop | Out-Null; `$facts.ReadError = 'none' } catch { `$facts.ReadError = `$_.FullyQualifiedErrorId }
`$help = Get-Help Get-CarpStatus
`$facts.Synopsis = `$help.Synopsis
`$facts.Examples = @(`$help.examples.example).Count
`$facts.AboutSynopsis = (Get-Help about_HaEdge).Synopsis
`$facts.AcceptanceTest = (Get-HaEdgeAcceptanceTest).FullName
`$facts.AcceptanceSynopsis = (Get-Help about_HaEdgeAcceptance).Synopsis
[System.Text.Json.JsonSerializer]::Serialize(`$facts, [hashtable])
"@)
    $script:Facts = if ($Used.ExitCode -eq 0) { $Used.Output | ConvertFrom-Json }
    $script:UserFilesAfter = & $state
}

Describe 'The package' -Tag Unit {
    It 'is published into the local file repository' {
        $Published.ExitCode | Should -Be 0 -Because $Published.Errors
        $Package.Name | Should -Be "HaEdge.$Version.nupkg"
    }

    It 'holds the module, its help, format file, licence, acceptance suite and alert rules' {
        foreach ($file in 'HaEdge.psd1', 'HaEdge.dll', 'HaEdge.Core.dll', 'HaEdge.Format.ps1xml', 'LICENSE', 'en-US/HaEdge.dll-Help.xml', 'en-US/about_HaEdge.help.txt', 'Dependencies/Renci.SshNet.dll',
            'HaEdge.Acceptance.Tests.ps1', 'en-US/about_HaEdgeAcceptance.help.txt', 'haedge.rules.yml', 'en-US/about_HaEdgeMonitoring.help.txt') {
            $Entries | Should -Contain $file
        }
    }

    It 'holds nothing of the build, the tests or the lab' {
        $packaging = '^(_rels/\.rels|\[Content_Types\]\.xml|HaEdge\.nuspec|package/services/metadata/core-properties/\w+\.psmdcp)$'
        # The acceptance suite is the one script: a test file users run against their edge (about_HaEdgeAcceptance).
        $module = '^(HaEdge\.psd1|HaEdge\.Format\.ps1xml|HaEdge\.Acceptance\.Tests\.ps1|haedge\.rules\.yml|LICENSE|[\w.]+\.dll|Dependencies/[\w.]+\.dll|en-US/(HaEdge\.dll-Help\.xml|about_\w+\.help\.txt))$'
        $Entries | Where-Object { $_ -notmatch $packaging -and $_ -notmatch $module } | Should -BeNullOrEmpty
        $Entries | Where-Object { $_ -ne 'HaEdge.Acceptance.Tests.ps1' -and $_ -match 'Lab|Test|build|\.ps1$|\.pdb$' } | Should -BeNullOrEmpty
    }

    It 'carries the project''s addresses, licence, release notes and tags' {
        $zip = [System.IO.Compression.ZipFile]::OpenRead($Package.FullName)
        try { $reader = [System.IO.StreamReader]::new($zip.GetEntry('HaEdge.nuspec').Open()); $nuspec = [xml]$reader.ReadToEnd(); $reader.Dispose() }
        finally { $zip.Dispose() }
        $metadata = $nuspec.package.metadata
        $metadata.projectUrl | Should -Be $Manifest.PrivateData.PSData.ProjectUri
        $metadata.projectUrl | Should -Match '^https://'
        $metadata.licenseUrl | Should -Be $Manifest.PrivateData.PSData.LicenseUri
        $metadata.releaseNotes | Should -Match 'CHANGELOG'
        $metadata.tags -split ' ' | Should -Contain 'pfSense'
        $Manifest.HelpInfoUri | Should -Match '^https://'
    }

    It 'leaves the user''s own PSResourceGet repositories and NuGet config as they were, and writes nothing elsewhere' {
        $UserFilesAfter | Should -Be $UserFilesBefore
        Get-ChildItem -Force $WorkingDirectory | Should -BeNullOrEmpty
    }
}

Describe 'The installed module' -Tag Unit {
    It 'is installed with Install-PSResource into the clean module path' {
        $Installed.ExitCode | Should -Be 0 -Because $Installed.Errors
        Join-Path $CleanPath "HaEdge/$Version/HaEdge.psd1" | Should -Exist
        Join-Path $CleanPath "HaEdge/$Version/LICENSE" | Should -Exist
    }

    It 'is imported in a fresh process from that path alone' {
        $Used.ExitCode | Should -Be 0 -Because $Used.Errors
        $Facts.ModuleBase | Should -Be (Join-Path $CleanPath "HaEdge/$Version")
        $Facts.Available | Should -Be 1
    }

    It 'reads, and fails with its own error id when Proxmox cannot be reached' {
        $Facts.ReadError | Should -Be 'ProxmoxUnreachable,HaEdge.Commands.GetHaEdgeNodeCommand'
    }

    It 'shows its compiled help' {
        $synopsis = [regex]::Match((Get-Content -Raw "$Root/docs/en-US/Get-CarpStatus.md"), '(?ms)^## SYNOPSIS\s*\n(?<text>.*?)\n\s*\n').Groups['text'].Value -replace '\s+', ' '
        $Facts.Synopsis | Should -Be $synopsis.Trim()
        $Facts.Examples | Should -BeGreaterOrEqual 2
        $Facts.AboutSynopsis | Should -Not -BeNullOrEmpty
    }

    It 'finds its acceptance suite in the installed module folder, with its about topic' {
        $Facts.AcceptanceTest | Should -Be (Join-Path $CleanPath "HaEdge/$Version/HaEdge.Acceptance.Tests.ps1")
        $Facts.AcceptanceSynopsis | Should -BeLike '*Pester acceptance suite*'
    }
}
