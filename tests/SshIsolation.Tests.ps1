#Requires -Modules Pester
# HaEdge must keep working in a process where another module already loaded a different Renci.SshNet (Posh-SSH
# users hit exactly this), and must pin host keys. Runs against a real OpenSSH server on loopback.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $PSScriptRoot 'support/LoopbackSshd.ps1')
    $script:Server = Start-LoopbackSshd -Directory (Join-Path $TestDrive 'sshd')
    $env:HAEDGE_TEST_TOKEN = 'not-used-by-these-tests'
}

AfterAll {
    Get-HaEdgeSession | Disconnect-HaEdge -Confirm:$false
    Stop-LoopbackSshd $Server
    Remove-Item Env:HAEDGE_TEST_TOKEN -ErrorAction Ignore
}

Describe 'SSH through the isolated SSH.NET' -Tag Integration {
    It 'connects although a different Renci.SshNet is already loaded in the process' {
        # A decoy Renci.SshNet 1.0 in the default load context, loaded before HaEdge as another module would.
        $decoyDir = New-Item -ItemType Directory -Force (Join-Path $TestDrive 'decoy')
        $definition = Join-Path $TestDrive 'edge.json'
        New-LoopbackEdgeDefinition -Server $Server -Path $definition
        $script = {
            param($DecoyDir, $ModulePath, $Definition)
            # Add-Type names its assemblies at random; the compiler it loads lets us name this one Renci.SshNet.
            Add-Type -TypeDefinition 'public static class HaEdgeDecoyCompilerWarmUp { }'
            $source = '[assembly: System.Reflection.AssemblyVersion("1.0.0.0")] namespace Renci.SshNet { public class SshClient { } }'
            $references = @([object].Assembly.Location, [System.Reflection.AssemblyVersionAttribute].Assembly.Location,
                (Join-Path ([System.IO.Path]::GetDirectoryName([object].Assembly.Location)) 'System.Runtime.dll')) |
                Select-Object -Unique | ForEach-Object { [Microsoft.CodeAnalysis.MetadataReference]::CreateFromFile($_) }
            $compilation = [Microsoft.CodeAnalysis.CSharp.CSharpCompilation]::Create('Renci.SshNet',
                [Microsoft.CodeAnalysis.SyntaxTree[]]@([Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree]::ParseText($source)),
                [Microsoft.CodeAnalysis.MetadataReference[]]$references,
                [Microsoft.CodeAnalysis.CSharp.CSharpCompilationOptions]::new([Microsoft.CodeAnalysis.OutputKind]::DynamicallyLinkedLibrary))
            $emit = $compilation.GetType().GetMethods() | Where-Object { $_.Name -eq 'Emit' -and $_.GetParameters()[0].ParameterType -eq [System.IO.Stream] } | Select-Object -First 1
            $file = [System.IO.File]::Create("$DecoyDir/Renci.SshNet.dll")
            try { $emitted = $emit.Invoke($compilation, @(@($file) + @($emit.GetParameters() | Select-Object -Skip 1 | ForEach-Object { $null }))) }
            finally { $file.Dispose() }
            if (-not $emitted.Success) { throw ($emitted.Diagnostics -join '; ') }
            $decoy = [System.Reflection.Assembly]::LoadFrom("$DecoyDir/Renci.SshNet.dll")
            Import-Module "$ModulePath/HaEdge.psd1"
            $env:HAEDGE_TEST_TOKEN = 'x'
            Connect-HaEdge -SkipCheck $Definition -TrustOnFirstUse -WarningVariable warnings -WarningAction SilentlyContinue | Out-Null
            $loaded = [System.AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'Renci.SshNet' }
            [pscustomobject]@{
                Warnings = @($warnings | ForEach-Object Message)
                Versions = @($loaded | ForEach-Object { $_.GetName().Version.ToString() })
                Contexts = @($loaded | ForEach-Object { [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_).Name })
                Decoy    = $decoy.GetName().Version.ToString()
            }
        }
        $job = Start-Job -ScriptBlock $script -ArgumentList $decoyDir.FullName, $ModulePath, $definition
        $result = $job | Wait-Job -Timeout 60 | Receive-Job
        $job | Remove-Job -Force

        $result.Decoy | Should -Be '1.0.0.0'
        $result.Versions | Should -Contain '1.0.0.0'
        $result.Versions | Where-Object { $_ -ne '1.0.0.0' } | Should -Not -BeNullOrEmpty
        $result.Contexts | Should -Contain 'HaEdge'
        $result.Warnings | Should -HaveCount 2
        $result.Warnings[0] | Should -BeLike "fw1: trusted host key $($Server.HostKey) on first use*"
    }
}

Describe 'SSH host key pinning' -Tag Integration {
    AfterEach { Get-HaEdgeSession | Disconnect-HaEdge -Confirm:$false }

    It 'accepts the pinned key and runs a command' {
        $definition = Join-Path $TestDrive 'pinned.json'
        New-LoopbackEdgeDefinition -Server $Server -Path $definition -PinnedHostKey $Server.HostKey
        Connect-HaEdge -SkipCheck $definition | Out-Null
        $checks = Test-HaEdgeConnection -SshOnly
        $checks | Should -HaveCount 2
        $checks.Reachable | Should -Be @($true, $true)
        $checks[0].HostKey | Should -Be $Server.HostKey
    }

    It 'refuses a changed key as a security error' {
        $definition = Join-Path $TestDrive 'changed.json'
        New-LoopbackEdgeDefinition -Server $Server -Path $definition -PinnedHostKey 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU'
        Connect-HaEdge -SkipCheck $definition -TrustOnFirstUse | Out-Null
        $check = Test-HaEdgeConnection -SshOnly | Select-Object -First 1
        $check.Reachable | Should -BeFalse
        $check.ErrorId | Should -Be 'SshHostKeyMismatch'
        $check.Error | Should -BeLike "*presented host key $($Server.HostKey)*SHA256:47DEQ*is pinned*"
    }

    It 'refuses an unpinned key without -TrustOnFirstUse and names the key to pin' {
        $definition = Join-Path $TestDrive 'unpinned.json'
        New-LoopbackEdgeDefinition -Server $Server -Path $definition
        Connect-HaEdge -SkipCheck $definition | Out-Null
        $check = Test-HaEdgeConnection -SshOnly | Select-Object -First 1
        $check.ErrorId | Should -Be 'SshHostKeyUnknown'
        $check.Error | Should -BeLike "*$($Server.HostKey)*not pinned*"
    }

    It 'reports a dead firewall as unreachable within the connect timeout' {
        $definition = Join-Path $TestDrive 'dead.json'
        $dead = [pscustomobject]@{ Port = 9; User = $Server.User; ClientKey = $Server.ClientKey }
        New-LoopbackEdgeDefinition -Server $dead -Path $definition -PinnedHostKey $Server.HostKey
        Connect-HaEdge -SkipCheck $definition | Out-Null
        $elapsed = Measure-Command { $script:check = Test-HaEdgeConnection -SshOnly | Select-Object -First 1 }
        $check.ErrorId | Should -Be 'SshUnreachable'
        $elapsed.TotalSeconds | Should -BeLessThan 7
    }
}

Describe 'Trust on first use' -Tag Integration {
    BeforeAll {
        # A server of its own: this test changes its host key.
        $script:Changing = Start-LoopbackSshd -Directory (Join-Path $TestDrive 'sshd-tofu')
    }

    AfterAll {
        Get-HaEdgeSession | Disconnect-HaEdge -Confirm:$false
        Stop-LoopbackSshd $Changing
    }

    It 'holds the rest of the session to the key it trusted: a reconnect that meets another key is refused' {
        $definition = Join-Path $TestDrive 'tofu.json'
        New-LoopbackEdgeDefinition -Server $Changing -Path $definition
        $session = Connect-HaEdge -SkipCheck $definition -TrustOnFirstUse -WarningAction SilentlyContinue
        $target = Get-CoreInternal $session SshTargetOf $session.Definition.Primary
        $ssh = Get-CoreInternal $session Ssh
        $run = { $ssh.RunAsync($target, 'true', [timespan]'0:0:10', [Threading.CancellationToken]::None).GetAwaiter().GetResult() }
        (& $run).ExitStatus | Should -Be 0

        # Someone in the path: the server now presents another key, and the pooled connection is dropped.
        $directory = Split-Path $Changing.ClientKey
        Remove-Item "$directory/host_key", "$directory/host_key.pub"
        & ssh-keygen -q -t ed25519 -N '' -f "$directory/host_key" | Out-Null
        $log = @(Get-ChildItem $directory -Filter 'sshd-*.log' | Sort-Object LastWriteTime)[-1].FullName
        $restarts = @(Select-String -Path $log -Pattern 'Server listening').Count
        & kill -HUP $Changing.Process.Id
        $deadline = [DateTime]::UtcNow.AddSeconds(30)
        while (@(Select-String -Path $log -Pattern 'Server listening').Count -le $restarts) {
            if ([DateTime]::UtcNow -gt $deadline) { throw "sshd did not restart: $(Get-Content -Raw $log)" }
            Start-Sleep -Milliseconds 20
        }
        # The session processes end after the signal, not with it (sshd's monitor passes it on to the session and
        # waits for it): until they have, a command could still run on the connection that met the old key.
        $sessions = @(& pgrep -P $Changing.Process.Id)
        & pkill -P $Changing.Process.Id
        $alive = { param($Id) [regex]::Match("$(Get-Content -Raw "/proc/$Id/stat" -ErrorAction Ignore)", '^.*\)\s+(\S)').Groups[1].Value -notin '', 'Z' }
        $deadline = [DateTime]::UtcNow.AddSeconds(30)
        while (@($sessions | Where-Object { & $alive $_ }).Count) {
            if ([DateTime]::UtcNow -gt $deadline) { throw "sshd's sessions $($sessions -join ', ') did not end" }
            Start-Sleep -Milliseconds 20
        }

        # The first try may still meet the dropped connection (SshConnectionLost); the reconnect meets the new key.
        $outcomes = foreach ($try in 1..3) {
            try { & $run | Out-Null; 'ran' } catch { $_.Exception.InnerException.ErrorId }
        }
        $outcomes | Should -Not -Contain 'ran' -Because 'no command may run on a connection to another key'
        $outcomes | Should -Contain 'SshHostKeyMismatch'
    }
}

Describe 'SSH output cap' -Tag Integration {
    BeforeAll {
        # Every command on this server prints 17 MB, past the 16 MiB a command may print (issue 20).
        $script:Flooding = Start-LoopbackSshd -Directory (Join-Path $TestDrive 'sshd-flood') -ExtraConfig 'ForceCommand head -c 17000000 /dev/zero'
    }
    AfterAll {
        Get-HaEdgeSession | Disconnect-HaEdge -Confirm:$false
        Stop-LoopbackSshd $Flooding
    }

    It 'stops a command that prints more than the cap and says so, instead of holding it all in memory' {
        $definition = Join-Path $TestDrive 'flood.json'
        New-LoopbackEdgeDefinition -Server $Flooding -Path $definition -PinnedHostKey $Flooding.HostKey
        Connect-HaEdge -SkipCheck $definition | Out-Null

        $checks = Test-HaEdgeConnection -SshOnly

        $checks | Should -HaveCount 2
        $checks.Reachable | Should -Be @($false, $false)
        $checks.ErrorId | Should -Be @('SshOutputTooLarge', 'SshOutputTooLarge')
        $checks[0].Error | Should -Be "fw1: 'true' printed more than 16 MiB on one stream; it was stopped and its output dropped."
    }
}
