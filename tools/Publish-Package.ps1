<#
.SYNOPSIS
    Publishes the built module as its PowerShell Gallery package (HaEdge.<version>.nupkg) into a local file repository.
.DESCRIPTION
    The package holds what a user installs: the built module (its assemblies, manifest, format file and compiled
    help) and the licence, nothing of the build, the tests or the lab. Publish-PSResource packs it into the repository
    folder, which Install-PSResource installs from once it is registered (Register-PSResourceRepository -Uri <folder>).
    The folder is emptied first, so it holds exactly this build's package.

    PSResourceGet keeps the registered repositories in the user's data folder (~/.local/share/PSResourceGet on Linux
    and macOS), and its cmdlets take no other; it also writes NuGet's user config (~/.config/NuGet). So on Linux and
    macOS this process gets a home of its own before it loads PSResourceGet, and the repository it registers never
    reaches the user's files; on Windows, where those folders cannot be moved, the repository is registered under a
    name of its own and unregistered at the end. Run it in its own process.
#>
param(
    # The built module folder (output/HaEdge).
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $LicensePath,
    [Parameter(Mandatory)] [string] $RepositoryPath
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$work = Join-Path ([System.IO.Path]::GetTempPath()) "haedge-package-$([guid]::NewGuid().ToString('n'))"
try {
    if (-not $IsWindows) {
        # .NET finds the user's data and config folders (the repository list; NuGet's NuGet.Config, which
        # PSResourceGet writes) through XDG_DATA_HOME and XDG_CONFIG_HOME, else HOME. A folder that does not exist
        # reads as '', and the file would land in the working directory, so both are made.
        $env:HOME = Join-Path $work 'home'
        $env:XDG_DATA_HOME = (New-Item -ItemType Directory -Force (Join-Path $env:HOME '.local/share')).FullName
        $env:XDG_CONFIG_HOME = (New-Item -ItemType Directory -Force (Join-Path $env:HOME '.config')).FullName
        if ([Environment]::GetFolderPath('LocalApplicationData') -ne $env:XDG_DATA_HOME -or [Environment]::GetFolderPath('ApplicationData') -ne $env:XDG_CONFIG_HOME) {
            throw "PSResourceGet's settings could not be moved to $env:HOME."
        }
    }

    # Publish-PSResource takes the module from a folder named as the module.
    $stage = New-Item -ItemType Directory -Force (Join-Path $work 'HaEdge')
    Copy-Item (Join-Path $ModulePath '*') -Destination $stage -Recurse
    Copy-Item $LicensePath -Destination (Join-Path $stage 'LICENSE')

    Remove-Item $RepositoryPath -Recurse -Force -ErrorAction Ignore
    $repository = (New-Item -ItemType Directory -Force $RepositoryPath).FullName
    $name = "HaEdgeBuild$([guid]::NewGuid().ToString('n'))"
    Register-PSResourceRepository -Name $name -Uri $repository -Trusted
    try { Publish-PSResource -Path $stage.FullName -Repository $name }
    finally { Unregister-PSResourceRepository -Name $name }
    $package = Get-ChildItem $repository -Filter '*.nupkg'
    "Package: $($package.FullName)"
}
finally { Remove-Item $work -Recurse -Force -ErrorAction Ignore }
