<#
.SYNOPSIS
    Compiles HaEdge's markdown help (docs/en-US) into MAML (en-US/HaEdge.dll-Help.xml) and about_*.help.txt.
.DESCRIPTION
    platyPS is not available here, so this is our own small compiler for the platyPS markdown layout:
    '## SYNOPSIS', '## DESCRIPTION', '## EXAMPLES' ('### Example N: title', a fenced code block, then remarks),
    '## PARAMETERS' ('### -Name' then its description), '## INPUTS' and '## OUTPUTS' ('### Type' then what it is),
    '## NOTES', '## RELATED LINKS'. Text is paragraphs, '- ' or '1. ' lists and fenced code.

    What the module itself declares comes from the built module, so it cannot drift: the syntax (each parameter set's
    parameters in the order Get-Command -Syntax shows them, -WhatIf and -Confirm included), type names (Int32 for an
    int? parameter), positions, pipeline input, aliases, wildcards, and the default values, read from a fresh
    instance of each cmdlet class (a switch, even a mandatory one, defaults to False; nothing, or a mandatory
    parameter, shows None).

    about_ topics ('# about_Name', '## SHORT DESCRIPTION' of one paragraph, '## LONG DESCRIPTION', more '## '
    sections) become plain text in the layout of PowerShell's own about files: TOPIC, SHORT DESCRIPTION on line 5
    (Get-Help takes the synopsis from there), LONG DESCRIPTION, ... with the text indented and wrapped at 80 columns.
    Run it in its own process: it imports the module.
#>
param(
    [Parameter(Mandatory)] [string] $DocsPath,
    [Parameter(Mandatory)] [string] $OutputPath,
    [Parameter(Mandatory)] [string] $ModulePath
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

function Split-Sections([string] $text, [string] $marker) {
    # Returns an ordered map heading -> body for headings that start with $marker ('## ' or '### ').
    $sections = [ordered]@{}
    $current = $null
    $inFence = $false
    foreach ($line in $text -split "`r?`n") {
        if ($line.StartsWith('```')) { $inFence = -not $inFence }
        if (-not $inFence -and $line.StartsWith($marker) -and -not $line.StartsWith($marker + '#')) {
            $current = $line.Substring($marker.Length).Trim()
            $sections[$current] = [System.Collections.Generic.List[string]]::new()
        }
        elseif ($null -ne $current) { $sections[$current].Add($line) }
    }
    $result = [ordered]@{}
    foreach ($key in $sections.Keys) { $result[$key] = ($sections[$key] -join "`n").Trim() }
    $result
}

# Markdown text as blocks: Para (Text), List (Items, Ordered, Numbers) and Code (Lines). A list item starts with
# '- ', '* ' or '1. ' and goes on over the lines that follow until a blank line or the next item; a list may follow a
# paragraph line directly. Code is fenced, or indented four spaces after a blank line.
function ConvertTo-Blocks([string] $text) {
    $blocks = [System.Collections.Generic.List[object]]::new()
    $current = $null
    $fence = $null
    foreach ($line in $text -split "`r?`n") {
        if ($null -ne $fence) {
            if ($line.TrimStart().StartsWith('```')) { $fence = $null; $current = $null } else { $fence.Lines.Add($line) }
            continue
        }
        if ($line.TrimStart().StartsWith('```')) {
            $fence = [pscustomobject]@{ Kind = 'Code'; Lines = [System.Collections.Generic.List[string]]::new() }
            $blocks.Add($fence)
            continue
        }
        if (-not $line.Trim()) {
            if ($current -and $current.Kind -eq 'Code') { $current.Lines.Add('') } else { $current = $null }
            continue
        }
        $item = [regex]::Match($line, '^\s{0,3}(?:(?<bullet>[-*+])|(?<number>\d+)[.)])\s+(?<text>.*)$')
        if ($item.Success -and -not ($current -and $current.Kind -eq 'Code')) {
            $ordered = $item.Groups['number'].Success
            if (-not ($current -and $current.Kind -eq 'List' -and $current.Ordered -eq $ordered)) {
                $current = [pscustomobject]@{ Kind = 'List'; Ordered = $ordered; Items = [System.Collections.Generic.List[string]]::new(); Numbers = [System.Collections.Generic.List[string]]::new() }
                $blocks.Add($current)
            }
            $current.Items.Add($item.Groups['text'].Value)
            $current.Numbers.Add($item.Groups['number'].Value)
        }
        elseif ($line.StartsWith('    ') -and (-not $current -or $current.Kind -eq 'Code')) {
            if (-not $current) {
                $current = [pscustomobject]@{ Kind = 'Code'; Lines = [System.Collections.Generic.List[string]]::new() }
                $blocks.Add($current)
            }
            $current.Lines.Add($line.Substring(4))
        }
        elseif ($current -and $current.Kind -eq 'List') { $current.Items[$current.Items.Count - 1] += ' ' + $line.Trim() }
        elseif ($current -and $current.Kind -eq 'Para') { $current.Text += ' ' + $line.Trim() }
        else {
            $current = [pscustomobject]@{ Kind = 'Para'; Text = $line.Trim() }
            $blocks.Add($current)
        }
    }
    foreach ($block in $blocks) {
        switch ($block.Kind) {
            'Para' { $block.Text = Format-Inline $block.Text }
            'List' { for ($i = 0; $i -lt $block.Items.Count; $i++) { $block.Items[$i] = Format-Inline $block.Items[$i] } }
            'Code' { while ($block.Lines.Count -and -not $block.Lines[$block.Lines.Count - 1].Trim()) { $block.Lines.RemoveAt($block.Lines.Count - 1) } }
        }
    }
    @($blocks)
}

# Plain text as Get-Help shows it: one space between words, no bold markers.
function Format-Inline([string] $text) { ($text -replace '\*\*', '' -replace '\s+', ' ').Trim() }

$ns = [ordered]@{
    maml    = 'http://schemas.microsoft.com/maml/2004/10'
    command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
    dev     = 'http://schemas.microsoft.com/maml/dev/2004/10'
}

function Add-Element([System.Xml.XmlNode] $parent, [string] $name, [string] $text) {
    $prefix, $local = $name -split ':'
    $element = $parent.AppendChild($parent.OwnerDocument.CreateElement($prefix, $local, $ns[$prefix]))
    if ($PSBoundParameters.ContainsKey('text')) { $element.InnerText = $text }
    $element
}

# Markdown text into a MAML node (maml:description, dev:remarks, maml:alert): paragraphs as maml:para, lists as
# maml:list, which Get-Help shows one item a line, code as a para of its own lines.
function Add-MamlText([System.Xml.XmlNode] $parent, [string] $text) {
    $blocks = @(ConvertTo-Blocks $text)
    for ($i = 0; $i -lt $blocks.Count; $i++) {
        $block = $blocks[$i]
        switch ($block.Kind) {
            'Para' { Add-Element $parent 'maml:para' $block.Text | Out-Null }
            'Code' { Add-Element $parent 'maml:para' ($block.Lines -join "`n") | Out-Null }
            'List' {
                $list = Add-Element $parent 'maml:list'
                if ($block.Ordered) { $list.SetAttribute('class', 'ordered') }
                foreach ($entry in $block.Items) { Add-Element (Add-Element $list 'maml:listItem') 'maml:para' $entry | Out-Null }
                # Get-Help ends a list item with no blank line: an empty para gives the text after the list one.
                if ($i -lt $blocks.Count - 1) { Add-Element $parent 'maml:para' '' | Out-Null }
            }
        }
    }
}

# The name Get-Help shows for a parameter's type, as PowerShell's own help does: the .NET name (Int32, String[]),
# the value type of a nullable (an int? parameter takes an Int32), generic arguments spelled out.
function Get-TypeName([type] $type) {
    if ($type.IsArray) { return (Get-TypeName $type.GetElementType()) + '[]' }
    $underlying = [Nullable]::GetUnderlyingType($type)
    if ($underlying) { return Get-TypeName $underlying }
    if ($type.IsGenericType) { return ($type.Name -replace '`\d+$') + '[' + (@($type.GenericTypeArguments | ForEach-Object { Get-TypeName $_ }) -join ', ') + ']' }
    $type.Name
}

function Format-Value($value) {
    if ($value -is [System.Management.Automation.SwitchParameter]) { return "$($value.IsPresent)" }
    if ($null -eq $value -or ($value -is [string] -and $value -eq '')) { return 'None' }
    if ($value -is [System.Collections.IEnumerable] -and $value -isnot [string]) {
        $items = @(foreach ($entry in $value) { Format-Value $entry })
        return $(if ($items) { $items -join ', ' } else { 'None' })
    }
    [System.Convert]::ToString($value, [System.Globalization.CultureInfo]::InvariantCulture)
}

# The parameter names of a parameter set in the order Get-Command -Syntax shows them (positional ones first, by
# position, then the mandatory, then the rest, -WhatIf and -Confirm last). PowerShell exposes that order only
# through the set's text, so it is read from there.
function Get-SyntaxOrder([System.Management.Automation.CommandParameterSetInfo] $set) {
    @([regex]::Matches($set.ToString(), '(?<=^|[\s\[])-(?<name>\w+)') | ForEach-Object { $_.Groups['name'].Value })
}

# What Get-Help shows for -WhatIf and -Confirm when a cmdlet's page says nothing more specific (PowerShell's wording).
$shouldProcessText = @{
    WhatIf  = 'Shows what would happen if the cmdlet runs. The cmdlet is not run.'
    Confirm = 'Prompts you for confirmation before running the cmdlet.'
}

Import-Module (Join-Path $ModulePath 'HaEdge.psd1') -Force
$commands = Get-Command -Module HaEdge -CommandType Cmdlet | Sort-Object Name
# -WhatIf and -Confirm are shown like any parameter; Get-Help adds [<CommonParameters>] for the rest.
$common = [System.Management.Automation.Cmdlet]::CommonParameters

$doc = [System.Xml.XmlDocument]::new()
$doc.AppendChild($doc.CreateXmlDeclaration('1.0', 'utf-8', $null)) | Out-Null
$helpItems = $doc.AppendChild($doc.CreateElement('helpItems'))
$helpItems.SetAttribute('schema', 'maml')
foreach ($prefix in $ns.Keys) { $helpItems.SetAttribute("xmlns:$prefix", $ns[$prefix]) }

$problems = [System.Collections.Generic.List[string]]::new()
foreach ($command in $commands) {
    $file = Join-Path $DocsPath "$($command.Name).md"
    if (-not (Test-Path $file)) { $problems.Add("$($command.Name): no $file"); continue }
    $sections = Split-Sections (Get-Content -Raw $file) '## '
    foreach ($required in 'SYNOPSIS', 'DESCRIPTION', 'EXAMPLES') {
        if (-not $sections.Contains($required) -or -not $sections[$required]) { $problems.Add("$($command.Name): missing ## $required") }
    }
    $section = { param($name) if ($sections.Contains($name)) { $sections[$name] } else { '' } }
    $examples = Split-Sections (& $section 'EXAMPLES') '### '
    if ($examples.Count -lt 2) { $problems.Add("$($command.Name): needs at least two examples, has $($examples.Count)") }
    $parameterDocs = Split-Sections (& $section 'PARAMETERS') '### '

    $item = Add-Element $helpItems 'command:command'
    $details = Add-Element $item 'command:details'
    Add-Element $details 'command:name' $command.Name | Out-Null
    Add-Element $details 'command:verb' $command.Verb | Out-Null
    Add-Element $details 'command:noun' $command.Noun | Out-Null
    Add-MamlText (Add-Element $details 'maml:description') (& $section 'SYNOPSIS')
    Add-MamlText (Add-Element $item 'maml:description') (& $section 'DESCRIPTION')

    # Every set a parameter is in, to judge it as a whole: mandatory only when mandatory in each.
    $inSets = [ordered]@{}
    $syntax = Add-Element $item 'command:syntax'
    foreach ($set in $command.ParameterSets) {
        $syntaxItem = Add-Element $syntax 'command:syntaxItem'
        Add-Element $syntaxItem 'maml:name' $command.Name | Out-Null
        foreach ($name in Get-SyntaxOrder $set | Where-Object { $_ -notin $common }) {
            $parameter = $set.Parameters | Where-Object Name -EQ $name
            if (-not $inSets.Contains($name)) { $inSets[$name] = [System.Collections.Generic.List[object]]::new() }
            $inSets[$name].Add($parameter)
            $element = Add-Element $syntaxItem 'command:parameter'
            $element.SetAttribute('required', "$($parameter.IsMandatory)".ToLowerInvariant())
            $element.SetAttribute('position', $(if ($parameter.Position -ge 0) { "$($parameter.Position + 1)" } else { 'named' }))
            Add-Element $element 'maml:name' $name | Out-Null
            if ($parameter.ParameterType -ne [switch]) {
                (Add-Element $element 'command:parameterValue' (Get-TypeName $parameter.ParameterType)).SetAttribute('required', 'true')
            }
        }
    }

    $defaults = [System.Activator]::CreateInstance($command.ImplementingType)
    $parameters = Add-Element $item 'command:parameters'
    foreach ($name in $inSets.Keys | Sort-Object) {
        $parameter = $inSets[$name][0]
        $mandatory = @($inSets[$name] | Where-Object { -not $_.IsMandatory }).Count -eq 0
        $key = "-$name"
        $text = if ($parameterDocs.Contains($key)) { $parameterDocs[$key] } elseif ($shouldProcessText.ContainsKey($name)) { $shouldProcessText[$name] }
        if (-not $text) { $problems.Add("$($command.Name): parameter -$name has no ### -$name section") }
        $property = $command.ImplementingType.GetProperty($name)
        $default = if ($parameter.ParameterType -eq [switch]) { 'False' }
        elseif ($mandatory) { 'None' }
        elseif ($property) { Format-Value $property.GetValue($defaults) }
        else { $problems.Add("$($command.Name): parameter -$name is no property of $($command.ImplementingType)") }
        $pipeline = @(if ($parameter.ValueFromPipeline) { 'ByValue' }; if ($parameter.ValueFromPipelineByPropertyName) { 'ByPropertyName' })
        $wildcards = @($parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] }).Count -gt 0

        $element = Add-Element $parameters 'command:parameter'
        $element.SetAttribute('required', "$mandatory".ToLowerInvariant())
        $element.SetAttribute('pipelineInput', $(if ($pipeline) { "True ($($pipeline -join ', '))" } else { 'False' }))
        $element.SetAttribute('position', $(if ($parameter.Position -ge 0) { "$($parameter.Position + 1)" } else { 'named' }))
        $element.SetAttribute('globbing', "$wildcards".ToLowerInvariant())
        $element.SetAttribute('aliases', $(if ($parameter.Aliases.Count) { $parameter.Aliases -join ', ' } else { 'None' }))
        Add-Element $element 'maml:name' $name | Out-Null
        Add-MamlText (Add-Element $element 'maml:description') "$text"
        $value = Add-Element $element 'command:parameterValue' (Get-TypeName $parameter.ParameterType)
        $value.SetAttribute('required', "$($parameter.ParameterType -ne [switch])".ToLowerInvariant())
        Add-Element $element 'dev:defaultValue' "$default" | Out-Null
    }

    # INPUTS as the page names them (none: None); OUTPUTS as the cmdlet declares them, with the page's words.
    $inputDocs = Split-Sections (& $section 'INPUTS') '### '
    $inputTypes = Add-Element $item 'command:inputTypes'
    foreach ($type in $(if ($inputDocs.Count) { $inputDocs.Keys } else { 'None' })) {
        $inputType = Add-Element $inputTypes 'command:inputType'
        Add-Element (Add-Element $inputType 'dev:type') 'maml:name' $type | Out-Null
        Add-MamlText (Add-Element $inputType 'maml:description') "$(if ($inputDocs.Contains($type)) { $inputDocs[$type] })"
    }
    $outputDocs = Split-Sections (& $section 'OUTPUTS') '### '
    $returnValues = Add-Element $item 'command:returnValues'
    foreach ($type in $command.OutputType) {
        $returnValue = Add-Element $returnValues 'command:returnValue'
        Add-Element (Add-Element $returnValue 'dev:type') 'maml:name' $type.Name | Out-Null
        Add-MamlText (Add-Element $returnValue 'maml:description') "$(if ($outputDocs.Contains($type.Name)) { $outputDocs[$type.Name] })"
    }
    if ($sections.Contains('NOTES')) { Add-MamlText (Add-Element (Add-Element $item 'maml:alertSet') 'maml:alert') $sections['NOTES'] }

    $exampleList = Add-Element $item 'command:examples'
    foreach ($title in $examples.Keys) {
        $match = [regex]::Match($examples[$title], '```(?:powershell|PowerShell)?\s*\n(?<code>.*?)\n```(?<remarks>.*)', 'Singleline')
        if (-not $match.Success) { $problems.Add("$($command.Name): example '$title' has no code block"); continue }
        $example = Add-Element $exampleList 'command:example'
        Add-Element $example 'maml:title' "-------------------------- $title --------------------------" | Out-Null
        Add-Element $example 'dev:code' $match.Groups['code'].Value.Trim() | Out-Null
        Add-MamlText (Add-Element $example 'dev:remarks') $match.Groups['remarks'].Value
    }

    if ($sections.Contains('RELATED LINKS')) {
        $links = Add-Element $item 'maml:relatedLinks'
        foreach ($link in [regex]::Matches($sections['RELATED LINKS'], '\[(?<text>[^\]]+)\](?:\((?<uri>[^)]*)\))?')) {
            $navigation = Add-Element $links 'maml:navigationLink'
            Add-Element $navigation 'maml:linkText' $link.Groups['text'].Value | Out-Null
            Add-Element $navigation 'maml:uri' $link.Groups['uri'].Value | Out-Null
        }
    }
}

# about_ topics: the layout of PowerShell's own about files, as Get-Help reads them (the synopsis is line 5).
$width = 80
function Format-Wrapped([string] $text, [string] $first, [string] $rest) {
    $lines = [System.Collections.Generic.List[string]]::new()
    $line = $first
    $empty = $true
    # A `code span` is never broken across lines.
    foreach ($word in [regex]::Matches($text, '(?:`[^`]*`|[^\s`])+').Value) {
        if (-not $empty -and $line.Length + 1 + $word.Length -gt $width) {
            $lines.Add($line)
            $line = $rest + $word
        }
        else { $line += $(if ($empty) { '' } else { ' ' }) + $word }
        $empty = $false
    }
    $lines.Add($line)
    $lines
}

function Format-AboutSection([string] $text) {
    $indent = '    '
    $out = [System.Collections.Generic.List[string]]::new()
    foreach ($block in ConvertTo-Blocks $text) {
        if ($out.Count) { $out.Add('') }
        switch ($block.Kind) {
            'Para' { $out.AddRange([string[]] (Format-Wrapped $block.Text $indent $indent)) }
            'Code' { foreach ($line in $block.Lines) { $out.Add($(if ($line.Trim()) { "$indent    $line" } else { '' })) } }
            'List' {
                for ($i = 0; $i -lt $block.Items.Count; $i++) {
                    $tag = if ($block.Ordered) { "$($block.Numbers[$i]). " } else { '- ' }
                    $out.AddRange([string[]] (Format-Wrapped $block.Items[$i] "$indent$tag" ($indent + ' ' * $tag.Length)))
                }
            }
        }
    }
    $out
}

$abouts = @(Get-ChildItem $DocsPath -Filter 'about_*.md')
$aboutText = [ordered]@{}
foreach ($about in $abouts) {
    $source = Get-Content -Raw $about.FullName
    $title = [regex]::Match($source, '(?m)^# (?<name>\S+)\s*$')
    if (-not $title.Success -or $title.Groups['name'].Value -ne $about.BaseName) { $problems.Add("$($about.Name): the first heading must be '# $($about.BaseName)'"); continue }
    $sections = Split-Sections $source '## '
    $names = @($sections.Keys)
    if ($names.Count -lt 2 -or $names[0] -ne 'SHORT DESCRIPTION' -or $names[1] -ne 'LONG DESCRIPTION') {
        $problems.Add("$($about.Name): must start with '## SHORT DESCRIPTION' then '## LONG DESCRIPTION'")
        continue
    }
    $short = @(ConvertTo-Blocks $sections['SHORT DESCRIPTION'])
    if ($short.Count -ne 1 -or $short[0].Kind -ne 'Para') { $problems.Add("$($about.Name): SHORT DESCRIPTION must be one paragraph (it is the topic's synopsis)"); continue }
    $lines = [System.Collections.Generic.List[string]]::new()
    # The short description stays on one line, line 5, however long: Get-Help reads no further for the synopsis.
    $lines.AddRange([string[]] @('TOPIC', "    $($about.BaseName)", '', 'SHORT DESCRIPTION', "    $($short[0].Text)"))
    foreach ($name in $names | Select-Object -Skip 1) {
        $lines.AddRange([string[]] @('', $name.ToUpperInvariant()))
        $lines.AddRange([string[]] (Format-AboutSection $sections[$name]))
    }
    $aboutText[$about.BaseName] = ($lines -join "`n") + "`n"
}

if ($problems.Count -gt 0) { throw "Help is incomplete:`n  " + ($problems -join "`n  ") }

New-Item -ItemType Directory -Force $OutputPath | Out-Null
$settings = [System.Xml.XmlWriterSettings]@{ Indent = $true; Encoding = [System.Text.UTF8Encoding]::new($false); NewLineChars = "`n" }
$writer = [System.Xml.XmlWriter]::Create((Join-Path $OutputPath 'HaEdge.dll-Help.xml'), $settings)
try { $doc.Save($writer) } finally { $writer.Dispose() }
foreach ($name in $aboutText.Keys) {
    [System.IO.File]::WriteAllText((Join-Path $OutputPath "$name.help.txt"), $aboutText[$name], [System.Text.UTF8Encoding]::new($false))
}
"Help: $($commands.Count) cmdlets, $($aboutText.Count) about topics -> $OutputPath"
