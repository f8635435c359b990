#Requires -Modules Pester
# Issue 20's holes that show at the cmdlets, without a firewall: what a session uses as SSH user and passphrase, what
# is said about a key file others can read, and that a WAN pull script's text never reaches output.

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:Token = [pscredential]::new('haedge@pve!edge', (ConvertTo-SecureString 'f3b2c1d0-aaaa-bbbb-cccc-000000000001' -AsPlainText -Force))

    # The starter definition with a real key file beside it (relative paths resolve against the definition's folder).
    function New-TestDefinition([string] $KeyMode = '600') {
        $folder = Join-Path $TestDrive ([guid]::NewGuid().ToString('n'))
        New-Item -ItemType Directory $folder | Out-Null
        $path = Join-Path $folder 'edge.json'
        New-FilledStarter -Path $path | Out-Null
        $key = Join-Path $folder 'id_ed25519'
        & ssh-keygen -q -t ed25519 -N '' -f $key | Out-Null
        & chmod $KeyMode $key
        (Get-Content -Raw $path) -replace '"keyFile": "[^"]*"', "`"keyFile`": `"$($key -replace '\\', '/')`"" | Set-Content $path
        $path
    }
}

AfterAll {
    Get-HaEdgeSession | Disconnect-HaEdge -Confirm:$false
}

Describe 'Connect-HaEdge and SSH identities' -Tag Unit {
    AfterEach { Get-HaEdgeSession | Disconnect-HaEdge -Confirm:$false }

    It 'uses -SshCredential''s user name for both firewalls, not the definition''s ssh.user' {
        $ssh = [pscredential]::new('opsuser', (ConvertTo-SecureString 'not-used-here' -AsPlainText -Force))
        $session = Connect-HaEdge -SkipCheck -Path (New-TestDefinition) -Credential $Token -SshCredential $ssh
        foreach ($firewall in $session.Definition.Firewalls) {
            (Get-CoreInternal $session SshTargetOf $firewall).User | Should -Be 'opsuser'
        }
    }

    It 'takes the key passphrase as a SecureString and keeps it out of the environment and the target''s text' {
        $passphrase = ConvertTo-SecureString 'pass-PHRASE-1' -AsPlainText -Force
        $session = Connect-HaEdge -SkipCheck -Path (New-TestDefinition) -Credential $Token -SshKeyPassphrase $passphrase
        $target = Get-CoreInternal $session SshTargetOf $session.Definition.Primary
        $target.Passphrase.Reveal() | Should -Be 'pass-PHRASE-1'
        "$target $($target.Passphrase)" | Should -Not -Match 'pass-PHRASE-1'
        Get-ChildItem env: | Where-Object Value -EQ 'pass-PHRASE-1' | Should -BeNullOrEmpty
    }

    It 'warns about a key file other users can read, naming the fix' {
        $path = New-TestDefinition -KeyMode '644'
        Connect-HaEdge -SkipCheck -Path $path -Credential $Token -WarningVariable warnings -WarningAction SilentlyContinue | Out-Null
        @($warnings) | Should -HaveCount 1
        "$($warnings[0])" | Should -Match 'can be read by other users on this machine: chmod 600 '
    }

    It 'says nothing about a key file only its owner can read' {
        Connect-HaEdge -SkipCheck -Path (New-TestDefinition) -Credential $Token -WarningVariable warnings -WarningAction SilentlyContinue | Out-Null
        @($warnings) | Should -HaveCount 0
    }
}

Describe 'Test-HaFailover and the WAN pull scripts' -Tag Unit {
    It 'never echoes a script''s text (it may hold a smart plug''s token) in the plan' {
        $definition = New-TestDefinition
        $module = Join-Path $ModulePath 'HaEdge.psd1'
        $pwsh = @((Get-Process -Id $PID).Path) + @(if ((Split-Path -Leaf (Get-Process -Id $PID).Path) -like 'dotnet*') { Join-Path $PSHOME 'pwsh.dll' })
        # -WhatIf writes its plan to the host: a child process's output holds all of it.
        $out = & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -Command @"
Import-Module '$module'
`$env:HAEDGE_PVE_TOKEN = 'f3b2c1d0-aaaa-bbbb-cccc-000000000001'
Connect-HaEdge -SkipCheck '$definition' | Out-Null
Test-HaFailover -Scenario WanPull -WanPullMethod UserAction -WhatIf ``
    -WanPullScript { Invoke-RestMethod 'http://plug.example/off?token=S3cr3tPlugToken' } ``
    -WanRestoreScript { Invoke-RestMethod 'http://plug.example/on?token=S3cr3tPlugToken' }
"@ 2>&1 | Out-String
        $out | Should -Match 'Run the user''s WAN pull: the -WanPullScript and -WanRestoreScript script blocks'
        $out | Should -Not -Match 'S3cr3tPlugToken'
    }
}
