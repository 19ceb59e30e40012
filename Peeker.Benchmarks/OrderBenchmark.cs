using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Peeker.Shared;

namespace Peeker.Benchmarks;

/// <summary>
/// The provisioning benchmark (issue 6): 19-domain sandbox orders (the default bundle: 15 Google + 4 Microsoft
/// domains) through the real host process on a fresh Azurite, timed from <c>POST /orders</c> to the
/// <c>order.completed</c> webhook, with every storage request counted by a forwarding proxy in front of Azurite.
/// <c>--order</c>: one order, three runs. <c>--orders N</c>: N orders posted at once, throughput in orders/minute.
/// </summary>
public static class OrderBenchmark
{
    internal const string AdminKey = "adm_bench_0123456789abcdef0123456789";

    internal static readonly ConcurrentQueue<string> HostLog = new();

    public static async Task<int> RunAsync(string[] args)
    {
        var quick = args.Contains("--quick");
        var i = Array.IndexOf(args, "--orders");
        var count = i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : 1;
        var runs = quick || count > 1 ? 1 : 3;
        var profile = args.Contains("--set") ? SettingsProfile.Ours(args) : null;
        Console.WriteLine(
            $"Peeker provisioning benchmark: {count} x 19-domain sandbox order{(count > 1 ? "s posted at once" : "")}, host process on a fresh Azurite per run, {Environment.ProcessorCount} cores, {DateTimeOffset.UtcNow:u}"
        );
        if (profile is not null)
        {
            Console.WriteLine("  " + profile.Describe());
        }

        Console.WriteLine(
            "| run | POST → order.completed | orders/minute | storage requests (table / queue / blob) | of which before POST |"
        );
        Console.WriteLine("| --- | --- | --- | --- | --- |");
        for (var run = 1; run <= runs; run++)
        {
            var result = await RunOrdersAsync(count, profile);
            var total = result.Requests;
            var time =
                count == 1
                    ? $"{result.Seconds:F1} s"
                    : $"all {result.Seconds:F1} s, p50 {result.Percentile(0.5):F1} s, max {result.PerOrder.Max():F1} s";
            Console.WriteLine(
                $"| {run} | {time} | {result.OrdersPerMinute:F1} | {total.Sum()} ({total[0]} / {total[1]} / {total[2]}) | {result.RequestsBefore} |"
            );
        }

        return 0;
    }

    /// <summary>
    /// Posts <paramref name="count"/> orders at once to a fresh host on a fresh Azurite and waits for all their
    /// <c>order.completed</c> webhooks. <paramref name="profile"/> overrides the host's host.json durableTask settings
    /// through environment variables; null runs the host as configured.
    /// </summary>
    public static async Task<OrderRun> RunOrdersAsync(int count, SettingsProfile? profile)
    {
        await using var azurite = await AzuriteProcess.StartAsync(SettingsProfile.FindRoot());
        await using var proxy = await StorageProxy.StartAsync(azurite.ConnectionString);
        await using var receiver = await WebhookReceiver.StartAsync(LoopbackPorts.FreePort());
        var port = LoopbackPorts.FreePort();
        using var host = StartHost(proxy.ConnectionString, port, profile);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
            await WaitHealthyAsync(http);
            // One partner per order, as if as many agencies ordered at once: the sandbox enforces the providers' rate
            // limits per partner (Smartlead 60 requests/minute), and one partner's 20 orders would measure those limits.
            var partners = new List<(HttpClient Http, string? Bundle)>();
            for (var i = 0; i < count; i++)
            {
                var client = new HttpClient { BaseAddress = http.BaseAddress, Timeout = http.Timeout };
                client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await AdminAsync(http, receiver.Url));
                using var bundleResponse = await client.PostAsJsonAsync(
                    "/partner/v1/bundles",
                    new { name = "bench", monthly_sending_volume = 25000 }
                );
                var bundle = JsonDocument
                    .Parse(await bundleResponse.Content.ReadAsStringAsync())
                    .RootElement.GetProperty("data")
                    .GetProperty("id")
                    .GetString();
                partners.Add((client, bundle));
            }

            var before = proxy.ByService.Sum();
            var posted = await Task.WhenAll(
                partners.Select(async partner =>
                {
                    var sent = receiver.Now;
                    var id = await PostOrderAsync(partner.Http, partner.Bundle);
                    receiver.Expect(id, sent);
                    return id;
                })
            );
            var (seconds, perOrder) = await receiver.AllCompletedAsync(posted).WaitAsync(TimeSpan.FromMinutes(10));
            foreach (var (client, _) in partners)
            {
                client.Dispose();
            }

            return new OrderRun(seconds, [.. perOrder.Order()], proxy.ByService, before);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new InvalidOperationException($"{ex.Message}\n  host log tail:\n  {string.Join("\n  ", HostLog.TakeLast(30))}", ex);
        }
        finally
        {
            host.Kill(entireProcessTree: true);
            await host.WaitForExitAsync();
        }
    }

    private static async Task<string> PostOrderAsync(HttpClient http, string? bundle)
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var domains = Enumerable.Range(1, 19).Select(i => $"bench{tag}-{i:D2}.com").ToArray();
        using var order = await http.PostAsJsonAsync(
            "/partner/v1/orders",
            new
            {
                user = "bench@example.com",
                bundle_id = bundle,
                sequencer = new
                {
                    provider = "smartlead",
                    client_id = 1,
                    login_email = "ops@example.com",
                    login_password = "bench-password",
                },
                forwarding_url = "https://example.com",
                domains,
                personas = SandboxOrders.Personas(null),
            }
        );
        var body = await order.Content.ReadAsStringAsync();
        if (order.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"order refused: {body}");
        }

        return JsonDocument.Parse(body).RootElement.GetProperty("data").GetProperty("id").GetString()!;
    }

    /// <summary>
    /// Starts the host process on <paramref name="port"/>; <paramref name="settings"/> are extra environment variables.
    /// Its output goes to <paramref name="log"/>, else to <see cref="HostLog"/> (cleared first).
    /// </summary>
    internal static Process StartHost(
        string connectionString,
        int port,
        SettingsProfile? profile,
        IReadOnlyDictionary<string, string>? settings = null,
        Action<string>? log = null
    )
    {
        var info = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Peeker.Functions.dll"));
        info.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        info.Environment["AzureWebJobsStorage"] = connectionString;
        info.Environment["Peeker__AdminKey"] = AdminKey;
        info.Environment["Providers__Sandbox__BaseUrl"] = $"http://127.0.0.1:{port}/sandbox";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        info.Environment["PEEKER_APP_ROOT"] = SettingsProfile.FindRoot();
        foreach (var (name, value) in (profile?.AsEnvironment() ?? []).Concat(settings ?? new Dictionary<string, string>()))
        {
            info.Environment[name] = value;
        }

        if (log is null)
        {
            HostLog.Clear();
            log = HostLog.Enqueue;
        }

        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => log(e.Data ?? string.Empty);
        process.ErrorDataReceived += (_, e) => log(e.Data ?? string.Empty);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Creates a partner through the admin API and returns its test key; a webhook URL is set when given.</summary>
    internal static async Task<string> AdminAsync(HttpClient http, string? hookUrl)
    {
        using var create = new HttpRequestMessage(HttpMethod.Post, "/admin/v1/partners")
        {
            Content = JsonContent.Create(new { name = $"Bench Agency {Guid.NewGuid():N}"[..20] }),
        };
        create.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        using var created = await http.SendAsync(create);
        var data = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("data");
        var partner = data.GetProperty("id").GetString()!;
        if (hookUrl is null)
        {
            return data.GetProperty("api_keys").GetProperty("test").GetString()!;
        }

        using var hook = new HttpRequestMessage(HttpMethod.Put, $"/admin/v1/partners/{partner}/webhook")
        {
            Content = JsonContent.Create(new { environment = "test", url = hookUrl }),
        };
        hook.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        using var _ = await http.SendAsync(hook);
        return data.GetProperty("api_keys").GetProperty("test").GetString()!;
    }

    internal static async Task WaitHealthyAsync(HttpClient http)
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
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException) { }

            await Task.Delay(200);
        }

        throw new TimeoutException("the host did not start");
    }
}

/// <summary>One order run: wall time for all orders, each order's own time, storage requests per service.</summary>
public sealed record OrderRun(double Seconds, double[] PerOrder, long[] Requests, long RequestsBefore)
{
    public double OrdersPerMinute => PerOrder.Length / Seconds * 60;

    /// <summary>Requests from the first POST until the host was stopped (host start-up and partner set-up excluded).</summary>
    public long RequestsAfterPost => Requests.Sum() - RequestsBefore;

    public double Percentile(double p) => PerOrder[Math.Min(PerOrder.Length - 1, (int)(PerOrder.Length * p))];
}
