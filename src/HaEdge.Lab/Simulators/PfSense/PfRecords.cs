using System;
using System.Globalization;
using System.IO;
using HaEdge.Lab.Simulators.Common;

namespace HaEdge.Lab.Simulators.PfSense;

/// <summary>
/// The files where a lab firewall's pfSense records what it did, under its lab root (the firewall shell's cat, grep
/// and tail read them at their pfSense paths): /var/log/system.log, where util.inc log_error() sends
/// "&lt;script&gt;: &lt;message&gt;" through syslog (BSD format: "Mmm dd hh:mm:ss host prog[pid]: ..."), and
/// /var/run/filter_reload_status, to which update_filter_reload_status() appends a line.
/// </summary>
internal sealed class PfRecords
{
    private readonly string firewall;
    private readonly string program;
    private readonly bool echo;

    /// <param name="stateDir">The lab's state directory.</param>
    /// <param name="firewall">The firewall (its hostname in the log lines).</param>
    /// <param name="program">syslog's program tag: php-fpm for xmlrpc.php, php for a script run from the shell.</param>
    /// <param name="echo">Also print each log line on stderr (a daemon's log); a script run like rc.filter_synchronize prints nothing.</param>
    public PfRecords(string stateDir, string firewall, string program, bool echo)
    {
        this.firewall = firewall;
        this.program = $"{program}[{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}]";
        this.echo = echo;
        var paths = new LabPaths(stateDir);
        SystemLogPath = paths.FirewallRootFile(LabPair.Firewall(firewall), "var/log/system.log");
        ReloadStatusPath = paths.FirewallRootFile(LabPair.Firewall(firewall), "var/run/filter_reload_status");
    }

    public string SystemLogPath { get; }

    public string ReloadStatusPath { get; }

    /// <summary>Creates both files when missing, as syslogd and the boot's first filter reload do.</summary>
    public void EnsureExist()
    {
        foreach (string path in new[] { SystemLogPath, ReloadStatusPath })
        {
            using (StateFile.Lock(path))
            {
                if (!File.Exists(path))
                {
                    File.AppendAllText(path, "");
                }
            }
        }
    }

    /// <summary>log_error($message) of <paramref name="script"/> ($_SERVER['SCRIPT_NAME'], e.g. /etc/rc.filter_synchronize).</summary>
    public void LogError(string script, string message)
    {
        DateTime now = DateTime.Now;
        string line = string.Create(CultureInfo.InvariantCulture,
            $"{now:MMM} {now.Day,2} {now:HH:mm:ss} {firewall} {program}: {script}: {message}");
        if (echo)
        {
            Console.Error.WriteLine(line);
        }
        Append(SystemLogPath, line);
    }

    /// <summary>file_notice(): queues a notice (not kept by the lab) and logs "New alert found: ..." (notices.inc).</summary>
    public void Notice(string script, string notice) => LogError(script, "New alert found: " + notice);

    /// <summary>update_filter_reload_status($text).</summary>
    public void ReloadStatus(string text) => Append(ReloadStatusPath, text);

    private static void Append(string path, string line)
    {
        using (StateFile.Lock(path))
        {
            File.AppendAllText(path, line + "\n");
        }
    }
}
