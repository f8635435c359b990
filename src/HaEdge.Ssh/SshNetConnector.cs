using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using HaEdge.Core;
using HaEdge.Core.Session;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace HaEdge.Ssh;

/// <summary>Opens SSH.NET connections with the host key checked against the pin inside the key callback.</summary>
internal sealed class SshNetConnector : ISshConnector
{
    /// <summary>
    /// The most a command may print on each of stdout and stderr (16 MiB). HaEdge's commands print kilobytes
    /// (ifconfig of a firewall with hundreds of VLANs stays under 1 MB; the state-table walk is filtered on the
    /// firewall); anything past this is a broken or hostile peer, stopped before it fills memory.
    /// </summary>
    public const int MaxOutputBytes = 16 * 1024 * 1024;

    public async Task<ISshConnection> ConnectAsync(SshTarget target, CancellationToken cancellationToken)
    {
        var info = new ConnectionInfo(target.Host, target.Port, target.User, AuthenticationMethods(target))
        {
            Timeout = target.ConnectTimeout,
        };
        var client = new SshClient(info) { KeepAliveInterval = TimeSpan.FromSeconds(15) };
        string? presented = null;
        HostKeyDecision decision = HostKeyDecision.RejectUnknown;
        client.HostKeyReceived += (_, e) =>
        {
            // Pure data only here: this runs on SSH.NET's thread, never near the pipeline.
            presented = HostKeyPolicy.Normalize(e.FingerPrintSHA256);
            decision = HostKeyPolicy.Decide(target.PinnedHostKey, presented, target.TrustOnFirstUse);
            e.CanTrust = decision == HostKeyDecision.Accept || decision == HostKeyDecision.AcceptFirstUse;
        };

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(target.ConnectTimeout);
        try
        {
            await client.ConnectAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception) when (presented != null && decision != HostKeyDecision.Accept && decision != HostKeyDecision.AcceptFirstUse)
        {
            // SSH.NET reports the refused key as a generic failure; say which key and why.
            client.Dispose();
            throw HostKeyPolicy.ToError(decision, target, presented);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            client.Dispose();
            throw Unreachable(target, $"no SSH answer within {target.ConnectTimeout.TotalSeconds:0.#} s", null);
        }
        catch (SshAuthenticationException e)
        {
            client.Dispose();
            throw new HaEdgeException("SshAuthenticationFailed", FailureKind.AuthenticationError,
                $"{target.Name} ({target}) refused the SSH login: {e.Message}", target.Name, e);
        }
        catch (Exception e) when (e is SocketException || e is SshException || e is SshOperationTimeoutException || e is ProxyException)
        {
            client.Dispose();
            throw Unreachable(target, e.Message, e);
        }
        catch
        {
            client.Dispose();
            throw;
        }

        return new SshNetConnection(client, target, presented!);
    }

    private static HaEdgeException Unreachable(SshTarget target, string why, Exception? inner) =>
        new HaEdgeException("SshUnreachable", FailureKind.ConnectionError, $"{target.Name} ({target}) is unreachable over SSH: {why}", target.Name, inner);

    private static AuthenticationMethod[] AuthenticationMethods(SshTarget target)
    {
        var methods = new List<AuthenticationMethod>();
        if (target.KeyFile != null)
        {
            try
            {
                var key = target.Passphrase == null ? new PrivateKeyFile(target.KeyFile) : new PrivateKeyFile(target.KeyFile, target.Passphrase.Reveal());
                methods.Add(new PrivateKeyAuthenticationMethod(target.User, key));
            }
            catch (Exception e) when (e is System.IO.IOException || e is SshException || e is UnauthorizedAccessException)
            {
                throw new HaEdgeException("SshKeyUnreadable", FailureKind.InvalidArgument,
                    $"{target.Name}: cannot use the SSH key '{target.KeyFile}': {e.Message}", target.Name, e);
            }
        }

        if (target.Password != null)
        {
            methods.Add(new PasswordAuthenticationMethod(target.User, target.Password.Reveal()));
        }

        if (methods.Count == 0)
        {
            throw new HaEdgeException("SshNoCredential", FailureKind.InvalidArgument,
                $"{target.Name}: no SSH key file and no password: set ssh.keyFile or ssh.passwordVariable in the edge definition, or pass -SshCredential.", target.Name);
        }

        return methods.ToArray();
    }

    private sealed class SshNetConnection : ISshConnection
    {
        private readonly SshClient client;
        private readonly SshTarget target;

        public SshNetConnection(SshClient client, SshTarget target, string hostKey)
        {
            this.client = client;
            this.target = target;
            HostKeySha256 = hostKey;
        }

        public string HostKeySha256 { get; }

        public bool IsConnected => client.IsConnected;

        public async Task<SshCommandResult> RunAsync(string command, TimeSpan timeout, CancellationToken cancellationToken)
        {
            var watch = Stopwatch.StartNew();
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            linked.CancelAfter(timeout);
            using SshCommand ssh = client.CreateCommand(command);
            var tooLarge = false;
            // A pipe's read blocks until data comes or the command ends, so each reader has a thread of its own
            // rather than holding two pool threads per running command.
            Task<byte[]?> ReadCapped(System.IO.Stream stream) => Task.Factory.StartNew(() =>
            {
                byte[]? bytes = BoundedRead.Read(stream, MaxOutputBytes);
                if (bytes == null)
                {
                    tooLarge = true;
                    linked.Cancel(); // stops the command; its streams close and the other reader ends
                }

                return bytes;
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

            Task<byte[]?> output;
            Task<byte[]?> error;
            try
            {
                Task execution = ssh.ExecuteAsync(linked.Token);
                // Both streams are read while the command runs, each up to the cap, so a flood never sits in memory whole.
                output = ReadCapped(ssh.OutputStream);
                error = ReadCapped(ssh.ExtendedOutputStream);
                await execution.ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (tooLarge)
            {
                throw OutputTooLarge(command);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new HaEdgeException("SshCommandTimeout", FailureKind.OperationTimeout,
                    $"{target.Name}: '{FirstWord(command)}' gave no answer within {timeout.TotalSeconds:0.#} s", target.Name);
            }
            catch (Exception e) when (e is SshException || e is SocketException || e is ObjectDisposedException || e is InvalidOperationException)
            {
                throw new HaEdgeException(SshErrors.ConnectionLost, FailureKind.ConnectionError,
                    $"{target.Name}: the SSH connection failed while running '{FirstWord(command)}': {e.Message}", target.Name, e);
            }

            byte[]? stdout = await output.ConfigureAwait(false);
            byte[]? stderr = await error.ConfigureAwait(false);
            if (stdout == null || stderr == null) throw OutputTooLarge(command);
            var encoding = client.ConnectionInfo.Encoding;
            return new SshCommandResult(command, ssh.ExitStatus ?? -1, encoding.GetString(stdout), encoding.GetString(stderr), watch.Elapsed);
        }

        private HaEdgeException OutputTooLarge(string command) =>
            new HaEdgeException("SshOutputTooLarge", FailureKind.InvalidData,
                $"{target.Name}: '{FirstWord(command)}' printed more than {MaxOutputBytes / (1024 * 1024)} MiB on one stream; it was stopped and its output dropped.",
                target.Name);

        public void Dispose() => client.Dispose();

        private static string FirstWord(string command)
        {
            int space = command.IndexOf(' ');
            return space < 0 ? command : command.Substring(0, space);
        }
    }
}
