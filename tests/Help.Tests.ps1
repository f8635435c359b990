#Requires -Modules Pester
# The compiled help reads as PowerShell's own cmdlets' help does: Get-Help's syntax is Get-Command -Syntax, with the
# common parameters; types are .NET names; default values are shown; markdown lists stay lists; about topics have
# the standard layout and a synopsis.
BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:Cmdlets = @(Get-Command -Module HaEdge -CommandType Cmdlet | Sort-Object Name | ForEach-Object { @{ Name = $_.Name } })
    $script:Abouts = @(Get-ChildItem (Join-Path $PSScriptRoot '../docs/en-US') -Filter 'about_*.md' | ForEach-Object { @{ Name = $_.BaseName; Source = $_.FullName } })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:Docs = Join-Path $PSScriptRoot '../docs/en-US'

    # Get-Command -Syntax spells types as PowerShell does (int, string[], pscredential); help, like PowerShell's own
    # cmdlets' help, spells them as .NET does (Int32, String[], PSCredential). Only that spelling is translated: a
    # name PowerShell cannot resolve (EdgeSession) is compared as it is.
    function ConvertTo-HelpSpelling([string] $syntax) {
        [regex]::Replace($syntax, '<(?<name>[^<>]+?)(?<array>\[\])?>', {
                param($match)
                $name = $match.Groups['name'].Value
                $type = if ($name -ne 'CommonParameters') { $name -as [type] }
                if (-not $type) { return $match.Value }
                $type = if ([Nullable]::GetUnderlyingType($type)) { [Nullable]::GetUnderlyingType($type) } else { $type }
                "<$($type.Name)$($match.Groups['array'].Value)>"
            })
    }

    function Get-Lines([string] $text) { @($text -split "`r?`n" | ForEach-Object { $_.Trim() } | Where-Object { $_ }) }

    # A cmdlet without parameters has none (Get-Help then shows parameters as an empty string).
    function Get-HelpParameters([string] $name) { @((Get-Help $name -Full).parameters.parameter | Where-Object { $_ }) }
}

Describe '<Name> help' -Tag Unit -ForEach $Cmdlets {
    It 'shows the syntax Get-Command -Syntax shows, common parameters included' {
        $expected = Get-Lines (ConvertTo-HelpSpelling (Get-Command $Name -Syntax | Out-String -Width 4096))
        $shown = Get-Lines ((Get-Help $Name).syntax | Out-String -Width 4096)
        ($shown -join "`n") | Should -BeExactly ($expected -join "`n")
    }

    It 'names each parameter type as .NET does, a nullable by its value type' {
        foreach ($parameter in Get-HelpParameters $Name) {
            $type = "$($parameter.parameterValue)"
            $type | Should -Not -BeNullOrEmpty -Because "-$($parameter.name) needs a type"
            $type | Should -Not -Match '[`]|^System\.|Nullable' -Because "-$($parameter.name) shows $type"
        }
    }

    It 'shows a default value for every parameter: False for a switch, None for another mandatory one' {
        $command = Get-Command $Name
        foreach ($parameter in Get-HelpParameters $Name) {
            $default = "$($parameter.defaultValue)"
            $default | Should -Not -BeNullOrEmpty -Because "-$($parameter.name) shows no default value"
            $default | Should -Not -Match '^System\.|^null$' -Because "-$($parameter.name) shows '$default'"
            if ($command.Parameters[$parameter.name].SwitchParameter) { $default | Should -BeExactly 'False' -Because "-$($parameter.name) is a switch" }
            elseif ($parameter.required -eq 'true') { $default | Should -BeExactly 'None' -Because "-$($parameter.name) is mandatory" }
        }
    }
}

Describe 'Help content' -Tag Unit {
    It 'shows the default values the cmdlet classes start with' {
        $defaults = @{}
        foreach ($parameter in Get-HelpParameters Test-HaFailover) { $defaults[$parameter.name] = "$($parameter.defaultValue)" }
        $defaults.Scenario | Should -BeExactly 'Maintenance, HardStop'
        $defaults.WanPullMethod | Should -BeExactly 'GatewayForceDown'
        $defaults.ProbeInterval | Should -BeExactly '00:00:00.2000000'
        $defaults.MaxOutage | Should -BeExactly '00:00:10'
        $defaults.RestoreTimeout | Should -BeExactly '00:04:00'
        $defaults.WanNet | Should -BeExactly 'None'
        $defaults.IncludeDownload | Should -BeExactly 'False'
        $defaults.WhatIf | Should -BeExactly 'False'
        (Get-Help Set-CarpMaintenance -Parameter Timeout).defaultValue | Should -BeExactly '00:00:30'
        (Get-Help Get-CarpStatus -Parameter Timeout).defaultValue | Should -BeExactly '00:00:10'
        (Get-Help Connect-HaEdge -Parameter Path).defaultValue | Should -BeExactly 'None'
    }

    It 'shows an int? parameter as Int32, in the syntax and the parameter list' {
        "$((Get-Help Test-HaFailover -Parameter WanNet).parameterValue)" | Should -BeExactly 'Int32'
        (Get-Help Test-HaFailover).syntax | Out-String -Width 4096 | Should -Match '\[-WanNet <Int32>\]'
    }

    It 'keeps every markdown list item of a page on a line of its own' {
        $items = foreach ($page in Get-ChildItem $Docs -Filter '*-*.md') {
            $inFence = $false
            foreach ($line in Get-Content $page.FullName) {
                if ($line.StartsWith('```')) { $inFence = -not $inFence; continue }
                if (-not $inFence -and $line -match '^\s{0,3}[-*] (?<text>\S.*)$') {
                    # The first words are enough to find the item; the rest may wrap in the source.
                    $words = ($Matches.text -replace '\*\*', '' -split '\s+' | Select-Object -First 4) -join ' '
                    @{ Cmdlet = $page.BaseName; Start = $words }
                }
            }
        }
        $items.Count | Should -BeGreaterThan 10 -Because 'the pages have lists (Get-CarpStatus, Test-HaEdgeSymmetry, ...)'
        $shown = @{}
        foreach ($item in $items) {
            if (-not $shown.ContainsKey($item.Cmdlet)) { $shown[$item.Cmdlet] = Get-Help $item.Cmdlet -Full | Out-String -Width 4096 }
            $shown[$item.Cmdlet] | Should -Match ('(?m)^\s*\* ' + [regex]::Escape($item.Start)) -Because "$($item.Cmdlet): '$($item.Start)...' is a list item"
        }
    }
}

Describe '<Name> topic' -Tag Unit -ForEach $Abouts {
    BeforeAll {
        $script:Compiled = Join-Path $ModulePath "en-US/$Name.help.txt"
        $source = Get-Content -Raw $Source
        $script:Short = ([regex]::Match($source, '(?ms)^## SHORT DESCRIPTION\s*\n(?<text>.*?)\n\s*\n').Groups['text'].Value -replace '\s+', ' ').Trim()
    }

    It 'has the layout of PowerShell''s own about topics' {
        $lines = Get-Content $Compiled
        $lines[0..4] | Should -Be @('TOPIC', "    $Name", '', 'SHORT DESCRIPTION', "    $Short")
        $lines | Should -Contain 'LONG DESCRIPTION'
    }

    It 'has a synopsis in Get-Help: its short description' {
        $Short | Should -Not -BeNullOrEmpty
        $help = Get-Help $Name
        $help.Category | Should -Be 'HelpFile'
        $help.Synopsis | Should -BeExactly $Short
    }
}

Describe 'about_HaEdge' -Tag Unit {
    BeforeAll { $script:Guide = Get-Help about_HaEdge | Out-String -Width 4096 }

    It 'explains the concepts, the first ten minutes, the safety model and where each task lives' {
        foreach ($section in 'CONCEPTS', 'THE FIRST TEN MINUTES', 'THE SAFETY MODEL', 'WHERE EACH TASK LIVES', 'SECURITY MODEL', 'INVARIANTS') {
            $Guide | Should -Match "(?m)^$section\r?$"
        }
        foreach ($verdict in [enum]::GetNames([HaEdge.Core.Carp.CarpPairVerdict])) { $Guide | Should -Match "\b${verdict}:" }
        foreach ($term in 'Edge:', 'Definition:', 'Session:', 'New-HaEdgeDefinition ./edge.json', 'Test-HaEdge -Quiet', 'WhatIf', 'Confirm', 'FailoverRestoreIncomplete', 'RestoreTimeout') {
            $Guide | Should -Match ([regex]::Escape($term))
        }
    }

    It 'gives every cmdlet its line' {
        foreach ($cmdlet in (Get-Module HaEdge).ExportedCmdlets.Keys) { $Guide | Should -Match "(?m)^\s*- ${cmdlet}: \S" -Because "$cmdlet has a task" }
    }
}
