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
            Connect-HaEdge $Definition -TrustOnFirstUse -WarningVariable warnings -WarningAction SilentlyContinue | Out-Null
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
        Connect-HaEdge $definition | Out-Null
        $checks = Test-HaEdgeConnection -SshOnly
        $checks | Should -HaveCount 2
        $checks.Reachable | Should -Be @($true, $true)
        $checks[0].HostKey | Should -Be $Server.HostKey
    }

    It 'refuses a changed key as a security error' {
        $definition = Join-Path $TestDrive 'changed.json'
        New-LoopbackEdgeDefinition -Server $Server -Path $definition -PinnedHostKey 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU'
        Connect-HaEdge $definition -TrustOnFirstUse | Out-Null
        $check = Test-HaEdgeConnection -SshOnly | Select-Object -First 1
        $check.Reachable | Should -BeFalse
        $check.ErrorId | Should -Be 'SshHostKeyMismatch'
        $check.Error | Should -BeLike "*presented host key $($Server.HostKey)*SHA256:47DEQ*is pinned*"
    }

    It 'refuses an unpinned key without -TrustOnFirstUse and names the key to pin' {
        $definition = Join-Path $TestDrive 'unpinned.json'
        New-LoopbackEdgeDefinition -Server $Server -Path $definition
        Connect-HaEdge $definition | Out-Null
        $check = Test-HaEdgeConnection -SshOnly | Select-Object -First 1
        $check.ErrorId | Should -Be 'SshHostKeyUnknown'
        $check.Error | Should -BeLike "*$($Server.HostKey)*not pinned*"
    }

    It 'reports a dead firewall as unreachable within the connect timeout' {
        $definition = Join-Path $TestDrive 'dead.json'
        $dead = [pscustomobject]@{ Port = 9; User = $Server.User; ClientKey = $Server.ClientKey }
        New-LoopbackEdgeDefinition -Server $dead -Path $definition -PinnedHostKey $Server.HostKey
        Connect-HaEdge $definition | Out-Null
        $elapsed = Measure-Command { $script:check = Test-HaEdgeConnection -SshOnly | Select-Object -First 1 }
        $check.ErrorId | Should -Be 'SshUnreachable'
        $elapsed.TotalSeconds | Should -BeLessThan 7
    }
}
