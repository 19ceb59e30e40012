using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Peeker.Benchmarks;

/// <summary>
/// The provisioning benchmark (issue 6): a 19-domain sandbox order (the default bundle: 15 Google + 4 Microsoft
/// domains) through the real host process on a fresh Azurite, timed from <c>POST /orders</c> to the
/// <c>order.completed</c> webhook, with every storage request counted by a forwarding proxy in front of Azurite.
/// </summary>
public static partial class OrderBenchmark
{
    private const string AdminKey = "adm_bench_0123456789abcdef0123456789";

    private static readonly ConcurrentQueue<string> HostLog = new();

    public static async Task<int> RunAsync(string[] args)
    {
        var runs = args.Contains("--quick") ? 1 : 3;
        Console.WriteLine($"Peeker provisioning benchmark: 19-domain sandbox order, host process on a fresh Azurite per run, {Environment.ProcessorCount} cores, {DateTimeOffset.UtcNow:u}");
        Console.WriteLine("| run | POST → order.completed | storage requests (table / queue / blob) | of which before POST |");
        Console.WriteLine("| --- | --- | --- | --- |");
        for (var run = 1; run <= runs; run++)
        {
            var (seconds, total, before) = await OnceAsync();
            Console.WriteLine($"| {run} | {seconds:F1} s | {total.Sum()} ({total[0]} / {total[1]} / {total[2]}) | {before} |");
        }

        return 0;
    }

    private static async Task<(double Seconds, long[] Requests, long Before)> OnceAsync()
    {
        await using var azurite = await AzuriteProcess.StartAsync();
        await using var proxy = await CountingProxy.StartAsync(azurite.ConnectionString);
        var completed = new TaskCompletionSource<DateTimeOffset>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var receiver = await StartReceiverAsync(completed);
        var port = FreePort();
        using var host = StartHost(proxy.ConnectionString, port);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
            await WaitHealthyAsync(http);
            var key = await AdminAsync(http, receiver.Url);
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            using var bundleResponse = await http.PostAsJsonAsync("/partner/v1/bundles", new { name = "bench", monthly_sending_volume = 25000 });
            var bundle = JsonDocument.Parse(await bundleResponse.Content.ReadAsStringAsync()).RootElement.GetProperty("data").GetProperty("id").GetString();
            var tag = Guid.NewGuid().ToString("N")[..6];
            var domains = Enumerable.Range(1, 19).Select(i => $"bench{tag}-{i:D2}.com").ToArray();
            var before = proxy.ByService;
            var clock = Stopwatch.StartNew();
            using var order = await http.PostAsJsonAsync("/partner/v1/orders", new
            {
                user = "bench@example.com",
                bundle_id = bundle,
                sequencer = new { provider = "smartlead", client_id = 1, login_email = "ops@example.com", login_password = "bench-password" },
                forwarding_url = "https://example.com",
                domains,
                personas = new[] { new { first_name = "Sam", last_name = "Lee", profile_picture_url = (string?)null } },
            });
            if (order.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"order refused: {await order.Content.ReadAsStringAsync()}\n{string.Join('\n', HostLog.TakeLast(60))}");
            }

            await completed.Task.WaitAsync(TimeSpan.FromMinutes(10));
            var seconds = clock.Elapsed.TotalSeconds;
            return (seconds, proxy.ByService, before.Sum());
        }
        finally
        {
            host.Kill(entireProcessTree: true);
            await host.WaitForExitAsync();
        }
    }

    private static Process StartHost(string connectionString, int port)
    {
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Peeker.Functions.dll"));
        info.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        info.Environment["AzureWebJobsStorage"] = connectionString;
        info.Environment["Peeker__AdminKey"] = AdminKey;
        info.Environment["Providers__Sandbox__BaseUrl"] = $"http://127.0.0.1:{port}/sandbox";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        info.Environment["PEEKER_APP_ROOT"] = FindRoot();
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => HostLog.Enqueue(e.Data ?? string.Empty);
        process.ErrorDataReceived += (_, e) => HostLog.Enqueue(e.Data ?? string.Empty);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task<string> AdminAsync(HttpClient http, string hookUrl)
    {
        using var create = new HttpRequestMessage(HttpMethod.Post, "/admin/v1/partners") { Content = JsonContent.Create(new { name = "Bench Agency" }) };
        create.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        using var created = await http.SendAsync(create);
        var data = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("data");
        var partner = data.GetProperty("id").GetString()!;
        using var hook = new HttpRequestMessage(HttpMethod.Put, $"/admin/v1/partners/{partner}/webhook") { Content = JsonContent.Create(new { environment = "test", url = hookUrl }) };
        hook.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        using var _ = await http.SendAsync(hook);
        return data.GetProperty("api_keys").GetProperty("test").GetString()!;
    }

    private static async Task<Receiver> StartReceiverAsync(TaskCompletionSource<DateTimeOffset> completed)
    {
        var port = FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost("/hooks", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            if ((await reader.ReadToEndAsync()).Contains("\"type\":\"order.completed\"", StringComparison.Ordinal))
            {
                completed.TrySetResult(DateTimeOffset.UtcNow);
            }

            return Results.Ok();
        });
        await app.StartAsync();
        return new Receiver(app, $"http://127.0.0.1:{port}/hooks");
    }

    private static async Task WaitHealthyAsync(HttpClient http)
    {
        for (var i = 0; i < 300; i++)
        {
            try
            {
                using var response = await http.GetAsync(new Uri("/health", UriKind.Relative));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(200);
        }

        throw new TimeoutException("the host did not start");
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "host.json")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("host.json not found");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed record Receiver(WebApplication App, string Url) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await App.DisposeAsync();
    }

    /// <summary>Forwards every storage request to Azurite unchanged and counts it per service.</summary>
    private sealed partial class CountingProxy : IAsyncDisposable
    {
        private readonly List<WebApplication> _apps = [];
        private readonly long[] _counts = new long[3];
        private static readonly HttpClient Forwarder = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });

        public string ConnectionString { get; private set; } = string.Empty;

        public long[] ByService => [.. _counts.Select((_, i) => Interlocked.Read(ref _counts[i]))];

        public static async Task<CountingProxy> StartAsync(string azurite)
        {
            var proxy = new CountingProxy();
            var connection = azurite;
            var services = new[] { "TableEndpoint", "QueueEndpoint", "BlobEndpoint" };
            for (var i = 0; i < services.Length; i++)
            {
                var target = EndpointRegex(services[i]).Match(azurite).Groups[1].Value;
                var port = FreePort();
                proxy._apps.Add(await proxy.ForwardAsync(port, target, i));
                connection = connection.Replace(target, $"127.0.0.1:{port}", StringComparison.Ordinal);
            }

            proxy.ConnectionString = connection;
            return proxy;
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var app in _apps)
            {
                await app.DisposeAsync();
            }
        }

        private async Task<WebApplication> ForwardAsync(int port, string target, int service)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            app.Run(async context =>
            {
                Interlocked.Increment(ref _counts[service]);
                // The raw target, exactly as the client encoded it: the SharedKey signature covers the encoded path.
                var raw = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()!.RawTarget;
                using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), $"http://{target}{raw}");
                if (context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0)
                {
                    using var buffer = new MemoryStream();
                    await context.Request.Body.CopyToAsync(buffer);
                    request.Content = new ByteArrayContent(buffer.ToArray());
                }

                foreach (var header in context.Request.Headers)
                {
                    if (header.Key is "Host" or "Transfer-Encoding")
                    {
                        continue;
                    }

                    if (!request.Headers.TryAddWithoutValidation(header.Key, header.Value.ToArray()))
                    {
                        request.Content ??= new ByteArrayContent([]);
                        request.Content.Headers.TryAddWithoutValidation(header.Key, header.Value.ToArray());
                    }
                }

                using var response = await Forwarder.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
                context.Response.StatusCode = (int)response.StatusCode;
                foreach (var header in response.Headers.Concat(response.Content.Headers))
                {
                    if (header.Key != "Transfer-Encoding")
                    {
                        context.Response.Headers[header.Key] = header.Value.ToArray();
                    }
                }

                await response.Content.CopyToAsync(context.Response.Body);
            });
            await app.StartAsync();
            return app;
        }

        private static Regex EndpointRegex(string name) => new($"{name}=http://([^/]+)/");
    }
}
