# Shared by every Pester file: import the built module (build.ps1 Test sets HAEDGE_MODULE_PATH) in this process.
$script:ModulePath = if ($env:HAEDGE_MODULE_PATH) { $env:HAEDGE_MODULE_PATH } else { Join-Path $PSScriptRoot '../output/HaEdge' }
Import-Module (Join-Path $script:ModulePath 'HaEdge.psd1') -Force -ErrorAction Stop
. (Join-Path $PSScriptRoot 'support/Engine.ps1')

# New-HaEdgeDefinition's starter with its placeholder pins filled in, as an operator does first (with other made-up
# pins: the tests that use it reach no real node). Connect-HaEdge refuses the placeholders themselves.
function New-FilledStarter([string] $Path) {
    New-HaEdgeDefinition -Path $Path -Force | Out-Null
    $text = Get-Content -Raw $Path
    $i = 0
    foreach ($placeholder in (Get-CoreStatic HaEdge.Core.Definition.EdgeDefinitionTemplate Placeholders)) {
        $i++
        $filler = if ($placeholder -like 'SHA256:*') { 'SHA256:' + ([string][char](66 + $i) * 43) } else { (@('{0:X2}' -f (16 * $i + 1)) * 32) -join ':' }
        $text = $text.Replace($placeholder, $filler)
    }
    Set-Content -Path $Path -Value $text
    Get-Item $Path
}
