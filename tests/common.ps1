# Shared by every Pester file: import the built module (build.ps1 Test sets HAEDGE_MODULE_PATH) in this process.
$script:ModulePath = if ($env:HAEDGE_MODULE_PATH) { $env:HAEDGE_MODULE_PATH } else { Join-Path $PSScriptRoot '../output/HaEdge' }
Import-Module (Join-Path $script:ModulePath 'HaEdge.psd1') -Force -ErrorAction Stop
