using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HaEdge.Lab.Simulators.Common;

/// <summary>Kestrel with one HTTPS endpoint and no framework noise on the console.</summary>
internal static class SimulatorHost
{
    public static WebApplication Build(IPEndPoint listen, X509Certificate2 cert)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = Array.Empty<string>(), ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(listen, endpoint =>
        {
            // pveproxy and pfSense's nginx as the clients meet them: HTTP/1.1, where the status line carries a reason.
            endpoint.Protocols = Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http1;
            endpoint.UseHttps(cert);
        }));
        return builder.Build();
    }

    /// <summary>Starts the server, then prints <paramref name="started"/>'s banner for the address it bound (the real
    /// port when --listen gave 0): readers wait for that line, so the server is listening once they see it.</summary>
    public static async Task<int> RunAsync(WebApplication app, string verb, Func<IPEndPoint, string> started, CancellationToken cancellationToken)
    {
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException error)
        {
            // Typically the address is taken or not configured in this namespace: one line, not a stack trace.
            Console.Error.WriteLine($"{verb}: {error.Message}");
            return 1;
        }
        Console.WriteLine(started(BoundEndpoint(app)));
        // The host's own SIGTERM/Ctrl+C handling stops it too: wait for whichever comes first.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, app.Lifetime.ApplicationStopping);
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Normal shutdown.
        }
        await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        return 0;
    }

    private static IPEndPoint BoundEndpoint(WebApplication app)
    {
        string address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        var uri = new Uri(address);
        return new IPEndPoint(IPAddress.Parse(uri.Host.Trim('[', ']')), uri.Port);
    }
}
