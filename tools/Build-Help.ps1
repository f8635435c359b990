<#
.SYNOPSIS
    Compiles HaEdge's markdown help (docs/en-US) into MAML (en-US/HaEdge.dll-Help.xml) and about_*.help.txt.
.DESCRIPTION
    platyPS is not available here, so this is our own small compiler for the platyPS markdown layout:
    '## SYNOPSIS', '## DESCRIPTION', '## EXAMPLES' ('### Example N: title', a fenced code block, then remarks),
    '## PARAMETERS' ('### -Name' then its description), '## OUTPUTS', '## NOTES', '## RELATED LINKS'.
    Syntax, parameter types, positions and pipeline input come from the built module itself, so they cannot drift.
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

function ConvertTo-Paragraphs([string] $text) {
    @($text -split "`n\s*`n" | ForEach-Object { ($_ -replace '\s*\n\s*', ' ').Trim() } | Where-Object { $_ })
}

function New-Para([System.Xml.XmlDocument] $doc, [System.Xml.XmlElement] $parent, [string] $text) {
    $description = $parent.AppendChild($doc.CreateElement('maml', 'description', $ns.maml))
    foreach ($para in ConvertTo-Paragraphs $text) {
        $description.AppendChild($doc.CreateElement('maml', 'para', $ns.maml)).InnerText = $para
    }
}

$ns = [ordered]@{
    maml    = 'http://schemas.microsoft.com/maml/2004/10'
    command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
    dev     = 'http://schemas.microsoft.com/maml/dev/2004/10'
}

Import-Module (Join-Path $ModulePath 'HaEdge.psd1') -Force
$commands = Get-Command -Module HaEdge -CommandType Cmdlet | Sort-Object Name
$common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters

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
    $examples = if ($sections.Contains('EXAMPLES')) { Split-Sections $sections['EXAMPLES'] '### ' } else { @{} }
    if ($examples.Count -lt 2) { $problems.Add("$($command.Name): needs at least two examples, has $($examples.Count)") }
    $parameterDocs = if ($sections.Contains('PARAMETERS')) { Split-Sections $sections['PARAMETERS'] '### ' } else { @{} }

    $item = $helpItems.AppendChild($doc.CreateElement('command', 'command', $ns.command))
    $details = $item.AppendChild($doc.CreateElement('command', 'details', $ns.command))
    $details.AppendChild($doc.CreateElement('command', 'name', $ns.command)).InnerText = $command.Name
    $details.AppendChild($doc.CreateElement('command', 'verb', $ns.command)).InnerText = $command.Verb
    $details.AppendChild($doc.CreateElement('command', 'noun', $ns.command)).InnerText = $command.Noun
    New-Para $doc $details ($sections['SYNOPSIS'])
    New-Para $doc $item ($sections['DESCRIPTION'])

    $syntax = $item.AppendChild($doc.CreateElement('command', 'syntax', $ns.command))
    $described = @{}
    foreach ($set in $command.ParameterSets) {
        $syntaxItem = $syntax.AppendChild($doc.CreateElement('command', 'syntaxItem', $ns.command))
        $syntaxItem.AppendChild($doc.CreateElement('maml', 'name', $ns.maml)).InnerText = $command.Name
        foreach ($parameter in $set.Parameters | Where-Object Name -notin $common) {
            $described[$parameter.Name] = $parameter
            $element = $syntaxItem.AppendChild($doc.CreateElement('command', 'parameter', $ns.command))
            $element.SetAttribute('required', "$($parameter.IsMandatory)".ToLowerInvariant())
            $element.SetAttribute('position', $(if ($parameter.Position -ge 0) { "$($parameter.Position + 1)" } else { 'named' }))
            $element.AppendChild($doc.CreateElement('maml', 'name', $ns.maml)).InnerText = $parameter.Name
            if ($parameter.ParameterType -ne [switch]) {
                $element.AppendChild($doc.CreateElement('command', 'parameterValue', $ns.command)).InnerText = $parameter.ParameterType.Name
            }
        }
    }

    $parameters = $item.AppendChild($doc.CreateElement('command', 'parameters', $ns.command))
    foreach ($name in $described.Keys | Sort-Object) {
        $parameter = $described[$name]
        $key = "-$name"
        if (-not $parameterDocs.Contains($key)) { $problems.Add("$($command.Name): parameter -$name has no ### -$name section") }
        $element = $parameters.AppendChild($doc.CreateElement('command', 'parameter', $ns.command))
        $pipeline = @(if ($parameter.ValueFromPipeline) { 'ByValue' }; if ($parameter.ValueFromPipelineByPropertyName) { 'ByPropertyName' })
        $element.SetAttribute('required', "$($parameter.IsMandatory)".ToLowerInvariant())
        $element.SetAttribute('pipelineInput', $(if ($pipeline) { "True ($($pipeline -join ', '))" } else { 'False' }))
        $element.SetAttribute('position', $(if ($parameter.Position -ge 0) { "$($parameter.Position + 1)" } else { 'named' }))
        $element.AppendChild($doc.CreateElement('maml', 'name', $ns.maml)).InnerText = $name
        New-Para $doc $element $(if ($parameterDocs.Contains($key)) { $parameterDocs[$key] } else { '' })
        $value = $element.AppendChild($doc.CreateElement('command', 'parameterValue', $ns.command))
        $value.InnerText = $parameter.ParameterType.Name
        $value.SetAttribute('required', "$($parameter.ParameterType -ne [switch])".ToLowerInvariant())
    }

    $returnValues = $item.AppendChild($doc.CreateElement('command', 'returnValues', $ns.command))
    foreach ($type in $command.OutputType) {
        $returnValue = $returnValues.AppendChild($doc.CreateElement('command', 'returnValue', $ns.command))
        $typeElement = $returnValue.AppendChild($doc.CreateElement('dev', 'type', $ns.dev))
        $typeElement.AppendChild($doc.CreateElement('maml', 'name', $ns.maml)).InnerText = $type.Name
    }
    if ($sections.Contains('NOTES')) {
        $alert = $item.AppendChild($doc.CreateElement('maml', 'alertSet', $ns.maml))
        foreach ($para in ConvertTo-Paragraphs $sections['NOTES']) {
            $alert.AppendChild($doc.CreateElement('maml', 'alert', $ns.maml)).AppendChild($doc.CreateElement('maml', 'para', $ns.maml)).InnerText = $para
        }
    }

    $exampleList = $item.AppendChild($doc.CreateElement('command', 'examples', $ns.command))
    foreach ($title in $examples.Keys) {
        $body = $examples[$title]
        $match = [regex]::Match($body, '```(?:powershell|PowerShell)?\s*\n(?<code>.*?)\n```(?<remarks>.*)', 'Singleline')
        if (-not $match.Success) { $problems.Add("$($command.Name): example '$title' has no code block"); continue }
        $example = $exampleList.AppendChild($doc.CreateElement('command', 'example', $ns.command))
        $example.AppendChild($doc.CreateElement('maml', 'title', $ns.maml)).InnerText = "-------------------------- $title --------------------------"
        $example.AppendChild($doc.CreateElement('dev', 'code', $ns.dev)).InnerText = $match.Groups['code'].Value.Trim()
        $remarks = $example.AppendChild($doc.CreateElement('dev', 'remarks', $ns.dev))
        foreach ($para in ConvertTo-Paragraphs $match.Groups['remarks'].Value) {
            $remarks.AppendChild($doc.CreateElement('maml', 'para', $ns.maml)).InnerText = $para
        }
    }

    if ($sections.Contains('RELATED LINKS')) {
        $links = $item.AppendChild($doc.CreateElement('maml', 'relatedLinks', $ns.maml))
        foreach ($link in [regex]::Matches($sections['RELATED LINKS'], '\[(?<text>[^\]]+)\]')) {
            $navigation = $links.AppendChild($doc.CreateElement('maml', 'navigationLink', $ns.maml))
            $navigation.AppendChild($doc.CreateElement('maml', 'linkText', $ns.maml)).InnerText = $link.Groups['text'].Value
            $navigation.AppendChild($doc.CreateElement('maml', 'uri', $ns.maml)) | Out-Null
        }
    }
}

if ($problems.Count -gt 0) { throw "Help is incomplete:`n  " + ($problems -join "`n  ") }

New-Item -ItemType Directory -Force $OutputPath | Out-Null
$settings = [System.Xml.XmlWriterSettings]@{ Indent = $true; Encoding = [System.Text.UTF8Encoding]::new($false) }
$writer = [System.Xml.XmlWriter]::Create((Join-Path $OutputPath 'HaEdge.dll-Help.xml'), $settings)
try { $doc.Save($writer) } finally { $writer.Dispose() }

# about_ topics: plain text, as Get-Help expects, from very simple markdown.
foreach ($about in Get-ChildItem $DocsPath -Filter 'about_*.md') {
    $text = (Get-Content -Raw $about.FullName) -replace '(?m)^#+\s*', '' -replace '```\w*', ''
    Set-Content -Path (Join-Path $OutputPath ($about.BaseName + '.help.txt')) -Value $text.TrimEnd() -Encoding utf8NoBOM
}
"Help: $($commands.Count) cmdlets, $(@(Get-ChildItem $DocsPath -Filter 'about_*.md').Count) about topics -> $OutputPath"
