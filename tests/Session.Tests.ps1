#Requires -Modules Pester
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:Definition = Join-Path $TestDrive 'edge.json'
    New-FilledStarter -Path $Definition | Out-Null
    $script:Token = [pscredential]::new('haedge@pve!edge', (ConvertTo-SecureString 'f3b2c1d0-aaaa-bbbb-cccc-000000000001' -AsPlainText -Force))
}

Describe 'New-HaEdgeDefinition' -Tag Unit {
    AfterEach { Get-HaEdgeSession | Disconnect-HaEdge -Confirm:$false }

    It 'writes a starter file that Connect-HaEdge accepts once its placeholder pins are filled in' {
        $path = Join-Path $TestDrive 'starter.json'
        $file = New-HaEdgeDefinition -Path $path
        $file.FullName | Should -Be $path
        Get-Content $path -Raw | Should -Match '// HaEdge edge definition'
        New-FilledStarter -Path $path | Out-Null
        (Connect-HaEdge -SkipCheck $path -Credential $Token).Firewalls | Should -Be @('fw1', 'fw2')
    }

    It 'writes a starter that does not connect with its placeholder pins, naming the line to edit' {
        $path = Join-Path $TestDrive 'placeholders.json'
        New-HaEdgeDefinition -Path $path | Out-Null
        $refusal = { Connect-HaEdge -SkipCheck $path -Credential $Token -ErrorAction Stop } | Should -Throw -ErrorId 'EdgeDefinitionInvalid*' -PassThru
        $refusal.Exception.Message -match ": line (\d+): still the starter's placeholder '([^']+)'" | Should -BeTrue -Because $refusal.Exception.Message
        (Get-Content $path)[[int]$Matches[1] - 1] | Should -BeLike "*$($Matches[2])*" -Because 'the line named is the one to edit'
        Get-HaEdgeSession | Should -BeNullOrEmpty
    }

    It 'returns the file as it is after writing, also when -Force overwrites a longer one' {
        $path = Join-Path $TestDrive 'overwritten.json'
        Set-Content -Path $path -Value ('x' * 100000)
        $file = New-HaEdgeDefinition -Path $path -Force
        $file.Length | Should -Be (Get-Item $path).Length
        $file.Length | Should -BeLessThan 100000
    }

    It 'lists sessions in a table that fits 120 columns without cutting the endpoints' {
        Connect-HaEdge -SkipCheck $Definition -Credential $Token | Out-Null
        $lines = @(Get-HaEdgeSession | Out-String -Width 120) -split '\r?\n'
        $lines | Where-Object { $_.Length -gt 120 } | Should -BeNullOrEmpty
        $lines -join "`n" | Should -Match ([regex]::Escape('192.0.2.11:8006, 192.0.2.12:8006'))
    }

    It 'refuses to overwrite without -Force' {
        { New-HaEdgeDefinition -Path $Definition -ErrorAction Stop } | Should -Throw -ErrorId 'EdgeDefinitionExists,HaEdge.Commands.NewHaEdgeDefinitionCommand'
    }

    It 'writes nothing with -WhatIf' {
        $path = Join-Path $TestDrive 'whatif.json'
        New-HaEdgeDefinition -Path $path -WhatIf
        Test-Path $path | Should -BeFalse
    }
}

Describe 'Connect-HaEdge' -Tag Unit {
    AfterEach { Get-HaEdgeSession | Disconnect-HaEdge -Confirm:$false }

    It 'opens a session that becomes the current one' {
        $session = Connect-HaEdge -SkipCheck -Path $Definition -Credential $Token
        $session.Name | Should -Be 'home-edge'
        (Get-HaEdgeSession -Current).Id | Should -Be $session.Id
    }

    It 'ends a bad definition in one terminating error naming file, key and problem' {
        $bad = Join-Path $TestDrive 'bad.json'
        (Get-Content $Definition -Raw) -replace '"vmId": 102', '"vmId": "102"' | Set-Content $bad
        $err = { Connect-HaEdge -SkipCheck -Path $bad -Credential $Token } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'EdgeDefinitionInvalid,HaEdge.Commands.ConnectHaEdgeCommand'
        $err.CategoryInfo.Category | Should -Be 'InvalidData'
        $err.Exception.Message | Should -BeLike "*$bad*firewalls``[1``].vmId: expected a whole number*"
    }

    It 'says where the token secret should come from when it is missing' {
        $env:HAEDGE_PVE_TOKEN = $null
        $err = { Connect-HaEdge -SkipCheck -Path $Definition } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'ProxmoxTokenSecretMissing,*'
        $err.Exception.Message | Should -Match 'HAEDGE_PVE_TOKEN'
    }

    It 'replaces the session of a definition connected again instead of piling up sessions' {
        $first = Connect-HaEdge -SkipCheck -Path $Definition -Credential $Token
        $second = Connect-HaEdge -SkipCheck -Path $Definition -Credential $Token
        @(Get-HaEdgeSession).Id | Should -Be @($second.Id)
        $first.IsOpen | Should -BeFalse
    }

    It 'says which session is still current when a connect fails' {
        $current = Connect-HaEdge -SkipCheck -Path $Definition -Credential $Token
        $bad = Join-Path $TestDrive 'bad-again.json'
        (Get-Content $Definition -Raw) -replace '"vmId": 102', '"vmId": "102"' | Set-Content $bad
        $failure = try { Connect-HaEdge -SkipCheck -Path $bad -Credential $Token -WarningVariable warnings -WarningAction SilentlyContinue } catch { $_ }
        $failure.FullyQualifiedErrorId | Should -BeLike 'EdgeDefinitionInvalid,*'
        "$warnings" | Should -Be "Not connected: the current session is still home-edge (session $($current.Id)), from $Definition."
        (Get-HaEdgeSession -Current).Id | Should -Be $current.Id
    }

    It 'never shows the token secret' {
        $session = Connect-HaEdge -SkipCheck -Path $Definition -Credential $Token
        ($session | Format-List * | Out-String) + ($session | ConvertTo-Json -Depth 3 -WarningAction Ignore) |
            Should -Not -Match 'f3b2c1d0-aaaa'
    }
}

Describe 'Sessions' -Tag Unit {
    BeforeAll {
        # A folder of its own holding this edge's definition once per site, each under the site's name.
        function New-SiteFolder([string] $Folder, [string[]] $Sites) {
            $fleet = New-Item -ItemType Directory -Force (Join-Path $TestDrive $Folder)
            foreach ($site in $Sites) {
                (Get-Content -Raw $Definition).Replace('"name": "home-edge"', "`"name`": `"$site`"") | Set-Content (Join-Path $fleet "$site.json")
            }
            $fleet
        }
    }
    AfterEach { Get-HaEdgeSession | Disconnect-HaEdge -Confirm:$false }

    It 'are per runspace' {
        Connect-HaEdge -SkipCheck -Path $Definition -Credential $Token | Out-Null
        $other = [powershell]::Create()
        try {
            $count = $other.AddScript("Import-Module '$ModulePath/HaEdge.psd1'; @(Get-HaEdgeSession).Count").Invoke()
            $count | Should -Be 0
        }
        finally { $other.Dispose() }
        @(Get-HaEdgeSession).Count | Should -Be 1
    }

    It 'are closed by Disconnect-HaEdge' {
        $session = Connect-HaEdge -SkipCheck -Path $Definition -Credential $Token
        Disconnect-HaEdge -Confirm:$false
        $session.IsOpen | Should -BeFalse
        { Get-HaEdgeVm -Session $session } | Should -Throw -ErrorId 'NoHaEdgeSession,HaEdge.Commands.GetHaEdgeVmCommand'
    }

    It 'are closed when the module is removed' {
        $session = Connect-HaEdge -SkipCheck -Path $Definition -Credential $Token
        Remove-Module HaEdge
        $session.IsOpen | Should -BeFalse
        Import-Module (Join-Path $ModulePath 'HaEdge.psd1')
    }

    It 'open one per definition from a folder or a wildcard, each named by its definition, and close all at once' {
        $fleet = New-SiteFolder fleet site-a, site-b, site-c
        $sessions = Connect-HaEdge -SkipCheck -Path $fleet -Credential $Token
        $sessions.Name | Should -Be 'site-a', 'site-b', 'site-c'
        (Get-HaEdgeSession -Current).Name | Should -Be 'site-c'
        (Connect-HaEdge -SkipCheck -Path (Join-Path $fleet 'site-[ab].json') -Credential $Token).Name | Should -Be 'site-a', 'site-b'
        @(Get-HaEdgeSession).Count | Should -Be 3 -Because 'connecting a definition again replaces its session'
        Disconnect-HaEdge -All -Confirm:$false
        @(Get-HaEdgeSession).Count | Should -Be 0
        $sessions.IsOpen | Should -Not -Contain $true
    }

    It 'refuse a second edge of the same name, and several definitions go on past one that fails' {
        $fleet = New-Item -ItemType Directory -Force (Join-Path $TestDrive 'clash')
        Copy-Item $Definition (Join-Path $fleet 'a.json')
        Copy-Item $Definition (Join-Path $fleet 'b.json')
        '{' | Set-Content (Join-Path $fleet 'c.json')
        $sessions = Connect-HaEdge -SkipCheck -Path $fleet -Credential $Token -ErrorVariable failures -ErrorAction SilentlyContinue
        @($sessions).Count | Should -Be 1
        $failures.FullyQualifiedErrorId | Should -Be 'EdgeNameInUse,HaEdge.Commands.ConnectHaEdgeCommand', 'EdgeDefinitionInvalid,HaEdge.Commands.ConnectHaEdgeCommand'
        "$($failures[0])" | Should -BeLike "*b.json) has the name of *a.json, connected by this command*"
        # Connected on its own later, an edge of the same name from another file opens beside it, with a warning.
        $later = Connect-HaEdge -SkipCheck -Path (Join-Path $fleet 'b.json') -Credential $Token -WarningVariable warnings -WarningAction SilentlyContinue
        $later.Name | Should -Be 'home-edge'
        "$warnings" | Should -BeLike "*also open from*a.json*"
        @(Get-HaEdgeSession).Count | Should -Be 2
        { Connect-HaEdge -SkipCheck -Path (Join-Path $fleet 'none-*.json') -Credential $Token } | Should -Throw -ErrorId 'EdgeDefinitionNotFound,*'
    }

    It 'a cmdlet that works on one edge refuses several, naming them' {
        Connect-HaEdge -SkipCheck -Path (New-SiteFolder two site-a, site-b) -Credential $Token | Out-Null
        { Assert-AntiAffinity -Session site-a, site-b } | Should -Throw -ErrorId 'OneEdgeAtATime,*' -ExpectedMessage '*2 (site-a, site-b)*'
    }

    It 'a change takes its edge from the rows piped in, one edge only: never the current one unasked' {
        Connect-HaEdge -SkipCheck -Path (New-SiteFolder rows site-a, site-b) -Credential $Token | Out-Null
        $rows = [pscustomobject]@{ Edge = 'site-a'; Firewall = 'fw1' }, [pscustomobject]@{ Edge = 'site-b'; Firewall = 'fw1' }
        { $rows | Set-CarpMaintenance -Enable -WhatIf } | Should -Throw -ErrorId 'OneEdgeAtATime,*' -ExpectedMessage '*come from site-a and site-b*'
        # A row of an edge with no open session is an error for that row, not a change of the current edge.
        $null = [pscustomobject]@{ Edge = 'elsewhere'; Firewall = 'fw1' } | Set-CarpMaintenance -Enable -WhatIf -ErrorVariable unbound -ErrorAction SilentlyContinue
        "$unbound" | Should -BeLike "*No open HaEdge session 'elsewhere'*"
    }

    It 'a node maintenance refuses rows of two edges before it gates or changes either' {
        Connect-HaEdge -SkipCheck -Path (New-SiteFolder nodes site-a, site-b) -Credential $Token | Out-Null
        $rows = [pscustomobject]@{ Edge = 'site-a'; Node = 'pve1' }, [pscustomobject]@{ Edge = 'site-b'; Node = 'pve1' }
        $refusal = $null
        try { $rows | Suspend-HaEdgeNode -WhatIf -Timeout 1 -WarningVariable gate -WarningAction SilentlyContinue } catch { $refusal = $_ }
        $refusal.FullyQualifiedErrorId | Should -BeLike 'OneEdgeAtATime,*'
        # Gating site-a first would have read it (and, without -WhatIf, changed it) before site-b's row was refused.
        $gate | Should -BeNullOrEmpty
    }

    It 'Suspend-HaEdgeNode refuses both nodes of the pair before it reads or changes either' {
        Connect-HaEdge -SkipCheck -Path $Definition -Credential $Token | Out-Null
        $refusal = $null
        try { 'pve1', 'pve2' | Suspend-HaEdgeNode -WhatIf -Timeout 1 -WarningVariable gate -WarningAction SilentlyContinue } catch { $refusal = $_ }
        $refusal.FullyQualifiedErrorId | Should -BeLike 'NodeMaintenanceWholeEdge,*'
        "$refusal" | Should -BeLike '*pve1 and pve2 carry both firewalls of the pair*'
        $gate | Should -BeNullOrEmpty
    }

    It 'a pipeline that brings no session reads no edge, not the current one' {
        Connect-HaEdge -SkipCheck -Path $Definition -Credential $Token | Out-Null
        # The current session's addresses answer nobody: reading it would be an error.
        $read = @(Get-HaEdgeSession | Where-Object Name -EQ 'no such site' | Test-HaEdge -Quiet -ErrorVariable failed)
        $read | Should -BeNullOrEmpty
        $failed | Should -BeNullOrEmpty
    }

    It 'without one, cmdlets say how to get one' {
        { Get-HaEdgeNode } | Should -Throw -ErrorId 'NoHaEdgeSession,HaEdge.Commands.GetHaEdgeNodeCommand'
    }
}
