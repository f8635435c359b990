using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using HaEdge.Core.Watch;
using Xunit;

namespace HaEdge.Core.Tests.Watch;

public class MetricsServerTests
{
    [Theory]
    [InlineData("GET /metrics HTTP/1.1", "200 OK")]
    [InlineData("GET /metrics?x=1 HTTP/1.0", "200 OK")]
    [InlineData("GET / HTTP/1.1", "404 Not Found")]
    [InlineData("POST /metrics HTTP/1.1", "405 Method Not Allowed")]
    [InlineData("GET /metrics", "400 Bad Request")]
    [InlineData(null, "400 Bad Request")]
    public void Answers_only_get_metrics(string? requestLine, string status)
    {
        Assert.Equal(status, MetricsServer.Respond(requestLine, "m 1\n").Status);
    }

    [Fact]
    public async Task Serves_the_latest_text_on_an_ephemeral_loopback_port_then_stops()
    {
        string? text = null;
        using var server = MetricsServer.Start(IPAddress.Loopback, 0, () => text);
        using var stop = new CancellationTokenSource();
        var serving = server.ServeAsync(stop.Token);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync(server.Url)).StatusCode);
        text = "haedge_firewall_up{edge=\"hel\",firewall=\"fw1\"} 1\n";
        var response = await http.GetAsync(server.Url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.Equal(text, await response.Content.ReadAsStringAsync());
        stop.Cancel();
        await serving.WaitAsync(TimeSpan.FromSeconds(30));
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => http.GetAsync(server.Url));
    }

    [Fact]
    public void A_port_in_use_is_refused_with_its_own_error()
    {
        using var first = MetricsServer.Start(IPAddress.Loopback, 0, () => "");
        var e = Assert.Throws<HaEdgeException>(() => MetricsServer.Start(IPAddress.Loopback, first.EndPoint.Port, () => ""));
        Assert.Equal("MetricsPortUnavailable", e.ErrorId);
    }

    [Fact]
    public void The_file_is_replaced_whole_and_no_temporary_is_left()
    {
        var directory = Directory.CreateTempSubdirectory("haedge-metrics-").FullName;
        try
        {
            var path = Path.Combine(directory, "haedge.prom");
            MetricsFile.Write(path, "a 1\n");
            MetricsFile.Write(path, "a 2\n");
            Assert.Equal("a 2\n", File.ReadAllText(path));
            Assert.Equal(new[] { path }, Directory.GetFiles(directory));
            var e = Assert.Throws<HaEdgeException>(() => MetricsFile.Write(Path.Combine(directory, "missing", "haedge.prom"), "a 1\n"));
            Assert.Equal("MetricsFileNotWritten", e.ErrorId);
        }
        finally
        {
            Directory.Delete(directory, true);
        }
    }
}
