#Requires -Modules Pester
# Issue 16: the shipped Prometheus alert rules (docs/monitoring/haedge.rules.yml) are valid for Prometheus 2.42 and
# pass their promtool unit tests (haedge.rules.test.yml), which catch a rule that drifts from them. promtool comes
# with Debian's prometheus package, which scripts/lab-packages.sh installs; like every test that needs those
# packages these carry the Lab tag, so they run where build.ps1 installs them (root on Linux) and are left out by
# tag elsewhere. As root a missing promtool fails them: nothing is skipped there. The help topic that explains the
# alerts (about_HaEdgeMonitoring) is checked against the rules everywhere: it needs no promtool.
BeforeDiscovery {
    $script:LabPossible = $IsLinux -and ((& id -u) -eq '0')
}

Describe 'Prometheus alert rules (docs/monitoring)' -Tag Lab -Skip:(-not $LabPossible) {
    BeforeAll {
        $monitoring = Join-Path $PSScriptRoot '../docs/monitoring'
        $script:Rules = Join-Path $monitoring 'haedge.rules.yml'
        $script:RulesTest = Join-Path $monitoring 'haedge.rules.test.yml'
        # The alerts of issue 16's design, each exactly once.
        $script:Alerts = @('HaEdgeFailedOver', 'HaEdgeSplitBrain', 'HaEdgeNoMaster', 'HaEdgeMaintenanceLeftOn', 'HaEdgePfsyncNotOk',
            'HaEdgeGatewayDown', 'HaEdgeOnBackupWan', 'HaEdgeConfigDrift', 'HaEdgeAntiAffinityBroken', 'HaEdgeFirewallUnreachable',
            'HaEdgeMetricsStale')

        # promtool's output and exit code; a missing promtool throws (CommandNotFoundException), failing the test.
        function script:Invoke-Promtool {
            param([Parameter(ValueFromRemainingArguments)] [string[]] $Arguments)
            $output = & promtool @Arguments 2>&1 | Out-String
            [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = $output }
        }

        # A copy of the rules with one change, beside a copy of the unit tests (which load haedge.rules.yml from
        # their own folder), in a fresh folder of $TestDrive.
        function script:New-ChangedRules([string] $Find, [string] $Replace) {
            $text = Get-Content -Raw $Rules
            $text.Contains($Find) | Should -BeTrue -Because "the rules contain '$Find' to change"
            $folder = New-Item -ItemType Directory (Join-Path $TestDrive ([guid]::NewGuid()))
            Set-Content -Path (Join-Path $folder 'haedge.rules.yml') -Value $text.Replace($Find, $Replace) -NoNewline
            Copy-Item $RulesTest -Destination $folder
            $folder.FullName
        }
    }

    It 'promtool check rules accepts the rules: one group, haedge, with each alert of the design once' {
        $check = Invoke-Promtool check rules $Rules
        $check.Output | Should -Match "SUCCESS: $($Alerts.Count) rules found"
        $check.ExitCode | Should -Be 0
        $text = Get-Content -Raw $Rules
        @([regex]::Matches($text, '(?m)^\s*- name:\s*(\S+)').ForEach({ $_.Groups[1].Value })) | Should -Be @('haedge')
        @([regex]::Matches($text, '(?m)^\s*- alert:\s*(\S+)').ForEach({ $_.Groups[1].Value }) | Sort-Object) | Should -Be @($Alerts | Sort-Object)
    }

    It 'promtool test rules passes the unit tests' {
        $test = Invoke-Promtool test rules $RulesTest
        $test.Output | Should -Match 'SUCCESS'
        $test.Output | Should -Not -Match 'FAILED'
        $test.ExitCode | Should -Be 0
    }

    It 'promtool check rules refuses rules with a broken expression, naming the alert' {
        $folder = New-ChangedRules 'expr: haedge_carp_vip_masters > 1' 'expr: haedge_carp_vip_masters >'
        $check = Invoke-Promtool check rules (Join-Path $folder 'haedge.rules.yml')
        $check.ExitCode | Should -Not -Be 0
        $check.Output | Should -Match 'FAILED'
        $check.Output | Should -Match 'HaEdgeSplitBrain'
    }

    # The design's first sketch of FailedOver read maintenance only from the firewalls that answer now: a firewall
    # rebooted in maintenance answers nothing, and the alert fired in the middle of the planned work.
    It 'the unit tests fail a FailedOver rule that forgets the maintenance of a firewall rebooting' {
        $folder = New-ChangedRules 'max by (edge) (last_over_time(haedge_carp_maintenance[30m])) == 1' 'max by (edge) (haedge_carp_maintenance) == 1'
        (Invoke-Promtool check rules (Join-Path $folder 'haedge.rules.yml')).ExitCode | Should -Be 0 -Because 'the changed rules are valid'
        $test = Invoke-Promtool test rules (Join-Path $folder 'haedge.rules.test.yml')
        $test.ExitCode | Should -Not -Be 0
        $test.Output | Should -Match "name: planned maintenance of the primary's node,\s+alertname: HaEdgeFailedOver, time: 20m,"
    }
}

Describe 'about_HaEdgeMonitoring and the alert rules' -Tag Unit {
    BeforeAll {
        $rules = Get-Content -Raw (Join-Path $PSScriptRoot '../docs/monitoring/haedge.rules.yml')
        $script:About = Get-Content -Raw (Join-Path $PSScriptRoot '../docs/en-US/about_HaEdgeMonitoring.md')
        # Each alert with its severity: the rule's text from its '- alert:' line to the next.
        $script:AlertRules = @([regex]::Matches($rules, '(?ms)^\s*- alert:\s*(?<name>\S+)(?<body>.*?)(?=^\s*- alert:|\z)') | ForEach-Object {
                [pscustomobject]@{ Name = $_.Groups['name'].Value; Severity = [regex]::Match($_.Groups['body'].Value, 'severity:\s*(\w+)').Groups[1].Value }
            })
        $script:RuleMetrics = @([regex]::Matches($rules, '(?m)^(?!\s*#).*$').Value | ForEach-Object { [regex]::Matches($_, '\bhaedge_[a-z_]+\b').Value } | Sort-Object -Unique)
    }

    It 'explains each alert of the rules with its severity' {
        $AlertRules.Count | Should -Be 11
        foreach ($rule in $AlertRules) {
            $rule.Severity | Should -BeIn @('critical', 'warning') -Because "$($rule.Name) has a severity"
            $About | Should -Match ('(?m)^- ' + $rule.Name + ' \(' + $rule.Severity + ', ') -Because "$($rule.Name) is explained"
        }
    }

    It 'lists each metric the rules use' {
        $RuleMetrics.Count | Should -BeGreaterThan 10
        foreach ($metric in $RuleMetrics) { $About | Should -Match ('(?m)^- ' + $metric + '[{:]') -Because "the rules use $metric" }
    }
}
