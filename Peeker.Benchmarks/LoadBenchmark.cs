using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Peeker.Shared;

namespace Peeker.Benchmarks;

/// <summary>
/// Open-loop load on the Partner API (<c>load</c>): the host process on a fresh Azurite, one sandbox partner, requests
/// fired at fixed intervals whatever the responses, each timed from its scheduled send time (so a slow host counts the
/// wait of every request it delayed: no coordinated omission). Endpoints: <c>POST /domains/availability</c> with 50
/// names already cached, the same with 50 names never asked for (each goes to the registrar), <c>GET /orders</c>, and
/// <c>POST /orders</c> of one-domain orders (the placement, not the provisioning behind it), at rising rates. The per-key and availability-name limits are raised
/// for that run so 429s do not hide latency; a second host keeps the default limits and gets a burst, to show them
/// enforced. Options: <c>--rates 25,50,100,200</c> (cached availability, <c>GET /orders</c>), <c>--uncached-rates 5,10,25</c>,
/// <c>--order-rates 5,10,20</c>, <c>--seconds 10</c>, <c>--only uncached,POST /orders</c> (steps whose label contains one).
/// </summary>
public static class LoadBenchmark
{
    private const int Names = 50;

    private static readonly Dictionary<string, string> Raised = new()
    {
        ["Peeker__RateLimitPerMinute"] = "1000000",
        ["Peeker__AvailabilityNamesPerMinute"] = "1000000",
        ["Peeker__RateLimitReservation"] = "1000",
    };

    public static async Task<int> RunAsync(string[] args)
    {
        var rates = Option(args, "--rates", "25,50,100,200").Split(',').Select(r => int.Parse(r, CultureInfo.InvariantCulture)).ToArray();
        var uncachedRates = Option(args, "--uncached-rates", "5,10,25")
            .Split(',')
            .Select(r => int.Parse(r, CultureInfo.InvariantCulture))
            .ToArray();
        var orderRates = Option(args, "--order-rates", "5,10,20")
            .Split(',')
            .Select(r => int.Parse(r, CultureInfo.InvariantCulture))
            .ToArray();
        var only = Option(args, "--only", string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries);
        var run = Guid.NewGuid().ToString("N")[..6];
        var seconds = int.Parse(Option(args, "--seconds", "10"), CultureInfo.InvariantCulture);
        Console.WriteLine(
            $"Peeker load benchmark: open loop, {seconds} s per rate, host process on a fresh Azurite, {Environment.ProcessorCount} cores, {DateTimeOffset.UtcNow:u}, load average {LoadAverage()}"
        );
        Console.WriteLine(
            $"  limits raised for the run: {string.Join(", ", Raised.Select(s => $"{s.Key.Replace("__", ":", StringComparison.Ordinal)}={s.Value}"))}"
        );
        var rows = new List<string>();
        await WithHostAsync(
            Raised,
            async partner =>
            {
                var names = Enumerable.Range(1, Names).Select(i => $"load-{i:D2}.com").ToArray();
                var availability = () =>
                    new HttpRequestMessage(HttpMethod.Post, "/partner/v1/domains/availability")
                    {
                        Content = JsonContent.Create(new { domains = names }),
                    };
                var fresh = 0;
                var uncached = () =>
                {
                    // 50 names nobody asked for before: every one goes to the (sandbox) registrar and is written to the cache.
                    var batch = Interlocked.Increment(ref fresh);
                    var unseen = Enumerable.Range(1, Names).Select(i => $"fresh{run}-{batch}-{i:D2}.com").ToArray();
                    return new HttpRequestMessage(HttpMethod.Post, "/partner/v1/domains/availability")
                    {
                        Content = JsonContent.Create(new { domains = unseen }),
                    };
                };
                var orders = () => new HttpRequestMessage(HttpMethod.Get, "/partner/v1/orders");
                var placed = 0;
                var place = () =>
                {
                    // The smallest order (one Google domain, two inboxes): the answer is the placement (claims, idempotency,
                    // the stored order and the orchestration's start), not the provisioning that follows it.
                    var n = Interlocked.Increment(ref placed);
                    return new HttpRequestMessage(HttpMethod.Post, "/partner/v1/orders")
                    {
                        Content = JsonContent.Create(
                            new
                            {
                                user = $"load{n}@example.com",
                                google_licenses = 2,
                                microsoft_licenses = 0,
                                google_inboxes_per_domain = 2,
                                sequencer = new
                                {
                                    provider = "smartlead",
                                    client_id = 1 + (n % 2000),
                                    login_email = "ops@example.com",
                                    login_password = "load-test-only",
                                },
                                forwarding_url = "https://example.com",
                                domains = new[] { $"place{run}-{n}.com" },
                                personas = new[]
                                {
                                    new
                                    {
                                        first_name = "Sam",
                                        last_name = "Lee",
                                        profile_picture_url = (string?)null,
                                    },
                                },
                            }
                        ),
                    };
                };
                var steps = new (string Label, Func<HttpRequestMessage> Request, int[] Rates)[]
                {
                    ("POST /domains/availability (50 cached names)", availability, rates),
                    ("POST /domains/availability (50 uncached names)", uncached, uncachedRates),
                    ("GET /orders", orders, rates),
                    ("POST /orders (1 domain, 2 inboxes)", place, orderRates),
                };
                foreach (
                    var (label, request, stepRates) in steps.Where(s =>
                        only.Length == 0 || only.Any(o => s.Label.Contains(o, StringComparison.OrdinalIgnoreCase))
                    )
                )
                {
                    // Unmeasured: lets the host's JIT tiers settle before the first measured step.
                    await OpenLoopAsync(partner, request, Math.Min(25, stepRates[0]), TimeSpan.FromSeconds(3));
                    foreach (var rate in stepRates)
                    {
                        // Unmeasured: fills the caches (and re-fills them should a step outlive the 5-minute validity), warms the path.
                        for (var i = 0; i < 3; i++)
                        {
                            using var warm = await partner.SendAsync(request());
                            var text = await warm.Content.ReadAsStringAsync();
                            if (
                                i == 2
                                && (
                                    warm.StatusCode != HttpStatusCode.OK
                                    || text.Contains("\"reason\":\"errored\"", StringComparison.Ordinal)
                                )
                            )
                            {
                                Console.WriteLine($"  warm-up did not cache: {(int)warm.StatusCode} {text[..Math.Min(400, text.Length)]}");
                            }
                        }

                        var result = await OpenLoopAsync(partner, request, rate, TimeSpan.FromSeconds(seconds));
                        var row =
                            $"| {label} | {rate} | {result.Sent} | {result.Achieved:F0} | {result.P(0.50):F1} | {result.P(0.95):F1} | {result.P(0.99):F1} | {result.Max:F1} | {result.Errors} |";
                        Console.WriteLine($"  measured (load average {LoadAverage()}): " + row);
                        rows.Add(row);
                    }
                }
            }
        );

        Console.WriteLine();
        Console.WriteLine("| endpoint | target req/s | sent | completed req/s | p50 ms | p95 ms | p99 ms | max ms | errors (non-200) |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        rows.ForEach(Console.WriteLine);

        Console.WriteLine();
        Console.WriteLine(
            "Default limits (Peeker:RateLimitPerMinute 600, Peeker:AvailabilityNamesPerMinute 250), bursts inside one minute window:"
        );
        await WithHostAsync(
            new Dictionary<string, string>(),
            async partner =>
            {
                await StartOfWindowAsync();
                var burst = await BurstAsync(partner, () => new HttpRequestMessage(HttpMethod.Get, "/partner/v1/orders"), 700);
                Console.WriteLine($"| GET /orders x 700 | {burst.Ok} x 200 | {burst.Limited} x 429 | {burst.Other} other |");
            }
        );
        await WithHostAsync(
            new Dictionary<string, string>(),
            async partner =>
            {
                await StartOfWindowAsync();
                var names = Enumerable.Range(1, Names).Select(i => $"burst-{i:D2}.com").ToArray();
                var burst = await BurstAsync(
                    partner,
                    () =>
                        new HttpRequestMessage(HttpMethod.Post, "/partner/v1/domains/availability")
                        {
                            Content = JsonContent.Create(new { domains = names }),
                        },
                    10
                );
                Console.WriteLine(
                    $"| POST /domains/availability (50 names) x 10 | {burst.Ok} x 200 | {burst.Limited} x 429 | {burst.Other} other |"
                );
            }
        );
        return 0;
    }

    /// <summary>
    /// Sends <paramref name="rate"/> requests a second for <paramref name="duration"/>, request i due at i / rate, never
    /// waiting for an answer before the next is due; latency is answer time minus due time.
    /// </summary>
    private static async Task<LoadResult> OpenLoopAsync(HttpClient http, Func<HttpRequestMessage> request, int rate, TimeSpan duration)
    {
        var count = (int)(rate * duration.TotalSeconds);
        var latencies = new double[count];
        var errors = 0;
        var inFlight = new List<Task>(count);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            var due = TimeSpan.FromSeconds((double)i / rate);
            var wait = due - clock.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait);
            }

            var index = i;
            inFlight.Add(
                Task.Run(async () =>
                {
                    try
                    {
                        using var response = await http.SendAsync(request());
                        await response.Content.ReadAsByteArrayAsync();
                        if (response.StatusCode != HttpStatusCode.OK)
                        {
                            Interlocked.Increment(ref errors);
                        }
                    }
                    catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                    {
                        Interlocked.Increment(ref errors);
                    }

                    latencies[index] = (clock.Elapsed - due).TotalMilliseconds;
                })
            );
        }

        await Task.WhenAll(inFlight);
        var elapsed = clock.Elapsed.TotalSeconds;
        Array.Sort(latencies);
        return new LoadResult(count, count / elapsed, latencies, errors);
    }

    private static async Task<(int Ok, int Limited, int Other)> BurstAsync(HttpClient http, Func<HttpRequestMessage> request, int count)
    {
        var statuses = await Task.WhenAll(
            Enumerable
                .Range(0, count)
                .Select(async _ =>
                {
                    using var response = await http.SendAsync(request());
                    return response.StatusCode;
                })
        );
        return (
            statuses.Count(s => s == HttpStatusCode.OK),
            statuses.Count(s => s == HttpStatusCode.TooManyRequests),
            statuses.Count(s => s is not HttpStatusCode.OK and not HttpStatusCode.TooManyRequests)
        );
    }

    // The limits count per clock minute: a burst that straddled a boundary would get two windows' budget.
    private static async Task StartOfWindowAsync()
    {
        var intoMinute = DateTimeOffset.UtcNow.Second;
        if (intoMinute > 40)
        {
            await Task.Delay(TimeSpan.FromSeconds(61 - intoMinute));
        }
    }

    /// <summary>A host with <paramref name="settings"/> on a fresh Azurite, and a client holding a new partner's sandbox key.</summary>
    private static async Task WithHostAsync(IReadOnlyDictionary<string, string> settings, Func<HttpClient, Task> body)
    {
        await using var azurite = await AzuriteProcess.StartAsync(SettingsProfile.FindRoot());
        var port = LoopbackPorts.FreePort();
        using var host = OrderBenchmark.StartHost(azurite.ConnectionString, port, null, settings);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
            await OrderBenchmark.WaitHealthyAsync(http);
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await OrderBenchmark.AdminAsync(http, null));
            await body(http);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new InvalidOperationException(
                $"{ex.Message}\n  host log tail:\n  {string.Join("\n  ", OrderBenchmark.HostLog.TakeLast(30))}",
                ex
            );
        }
        finally
        {
            host.Kill(entireProcessTree: true);
            await host.WaitForExitAsync();
        }
    }

    // The machine may be shared: the 1-minute load average says how much else was running.
    private static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";

    private static string Option(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }
}

/// <summary>One open-loop step: requests sent, completion rate, sorted latencies (ms from the scheduled time), non-200 answers.</summary>
public sealed record LoadResult(int Sent, double Achieved, double[] Latencies, int Errors)
{
    public double Max => Latencies.Length == 0 ? 0 : Latencies[^1];

    public double P(double p) => Latencies.Length == 0 ? 0 : Latencies[Math.Min(Latencies.Length - 1, (int)(Latencies.Length * p))];
}
