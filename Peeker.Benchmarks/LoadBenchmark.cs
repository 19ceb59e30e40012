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
/// <c>--order-rates 5,10,20</c>, <c>--order-hosts single,api,api+worker</c> (the <c>POST /orders</c> step on one host running both roles, on a host with only the api role, and on that host beside a worker host), <c>--seconds 10</c>, <c>--only uncached,POST /orders</c> (steps whose label contains one; the bursts at the default limits
/// run with no <c>--only</c> or when one of its words is in "default limits"). The <c>POST /orders</c> step ends with a probe of one placement's
/// storage requests on an idle host behind the counting proxy.
/// </summary>
public static class LoadBenchmark
{
    private const int Names = 50;
    private const string OrdersLabel = "POST /orders (1 domain, 2 inboxes)";
    private const string LimitsLabel = "default limits";

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
        var orderHosts = Option(args, "--order-hosts", "single,api,api+worker").Split(',', StringSplitOptions.RemoveEmptyEntries);
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
                var place = Placement(run);
                var steps = new (string Label, Func<HttpRequestMessage> Request, int[] Rates)[]
                {
                    ("POST /domains/availability (50 cached names)", availability, rates),
                    ("POST /domains/availability (50 uncached names)", uncached, uncachedRates),
                    ("GET /orders", orders, rates),
                    (OrdersLabel, place, orderRates),
                };
                foreach (
                    var (label, request, stepRates) in steps.Where(s =>
                        (only.Length == 0 || only.Any(o => s.Label.Contains(o, StringComparison.OrdinalIgnoreCase)))
                        && (s.Label != OrdersLabel || orderHosts.Contains("single"))
                    )
                )
                {
                    await RunStepAsync(
                        partner,
                        label == OrdersLabel ? label + ", one host: API and worker" : label,
                        request,
                        stepRates,
                        seconds,
                        rows
                    );
                }
            }
        );

        if (only.Length == 0 || only.Any(o => OrdersLabel.Contains(o, StringComparison.OrdinalIgnoreCase)))
        {
            // The same placements on a host with only the api role (Peeker:Roles=api): it stores the orders and starts
            // their orchestrations, and runs none of them. Alone, it shows the API tier of a fleet whose workers run on
            // other machines; beside a worker host on this machine, what a split buys on the same two cores.
            foreach (var (variant, suffix) in new[] { ("api", "API host, no worker running"), ("api+worker", "API host + worker host") })
            {
                if (orderHosts.Contains(variant))
                {
                    await WithHostAsync(
                        new Dictionary<string, string>(Raised) { ["Peeker__Roles"] = "api" },
                        partner =>
                            RunStepAsync(
                                partner,
                                $"{OrdersLabel}, {suffix}",
                                Placement(run + variant.Replace("+", "w", StringComparison.Ordinal)),
                                orderRates,
                                seconds,
                                rows
                            ),
                        workerHost: variant == "api+worker"
                    );
                }
            }

            await ProbePlacementAsync(run);
        }

        Console.WriteLine();
        Console.WriteLine("| endpoint | target req/s | sent | completed req/s | p50 ms | p95 ms | p99 ms | max ms | errors (non-200) |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        rows.ForEach(Console.WriteLine);

        if (only.Length > 0 && !only.Any(o => LimitsLabel.Contains(o, StringComparison.OrdinalIgnoreCase)))
        {
            return 0;
        }

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
    /// One step: an unmeasured 3 s warm-up, then for each rate three unmeasured requests (they fill the caches) and
    /// <paramref name="seconds"/> of open-loop load; a table row per rate.
    /// </summary>
    private static async Task RunStepAsync(
        HttpClient partner,
        string label,
        Func<HttpRequestMessage> request,
        int[] stepRates,
        int seconds,
        List<string> rows
    )
    {
        // Unmeasured: lets the host's JIT tiers settle before the first measured step.
        await OpenLoopAsync(partner, request, Math.Min(25, stepRates[0]), TimeSpan.FromSeconds(3));
        foreach (var rate in stepRates)
        {
            // Unmeasured: fills the caches (and re-fills them should a step outlive the 5-minute validity), warms the path.
            for (var i = 0; i < 3; i++)
            {
                var (status, text) = await WarmAsync(partner, request());
                if (i == 2 && (status != HttpStatusCode.OK || text.Contains("\"reason\":\"errored\"", StringComparison.Ordinal)))
                {
                    Console.WriteLine($"  warm-up did not cache: {(int?)status} {text[..Math.Min(400, text.Length)]}");
                }
            }

            var result = await OpenLoopAsync(partner, request, rate, TimeSpan.FromSeconds(seconds));
            var row =
                $"| {label} | {rate} | {result.Sent} | {result.Achieved:F0} | {result.P(0.50):F1} | {result.P(0.95):F1} | {result.P(0.99):F1} | {result.Max:F1} | {result.Errors} |";
            Console.WriteLine($"  measured (load average {LoadAverage()}): " + row);
            rows.Add(row);
        }
    }

    /// <summary>
    /// The smallest order (one Google domain, two inboxes), a new user and domain each time: the answer is the placement
    /// (validation, claims, idempotency, the stored order and the orchestrations' start), not the provisioning behind it.
    /// </summary>
    private static Func<HttpRequestMessage> Placement(string run)
    {
        var placed = 0;
        return () =>
        {
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
    }

    /// <summary>
    /// Storage requests of one placement: a host behind the counting storage proxy (its own run, so the proxy's hop does
    /// not slow the measured steps), three unmeasured orders, then five placed one at a time, each once the host is idle
    /// again (the previous order provisioned), counting the requests between the POST and its answer.
    /// </summary>
    private static async Task ProbePlacementAsync(string run)
    {
        await using var azurite = await AzuriteProcess.StartAsync(SettingsProfile.FindRoot());
        await using var proxy = await StorageProxy.StartAsync(azurite.ConnectionString);
        await WithHostAsync(
            Raised,
            async partner =>
            {
                var place = Placement("probe" + run);
                for (var i = 0; i < 3; i++)
                {
                    await WarmAsync(partner, place());
                }

                var counts = new List<long[]>();
                var latencies = new List<double>();
                for (var i = 0; i < 5; i++)
                {
                    var idle = await IdleAsync(proxy);
                    var before = proxy.ByService;
                    var clock = Stopwatch.StartNew();
                    using var response = await partner.SendAsync(place());
                    await response.Content.ReadAsByteArrayAsync();
                    latencies.Add(clock.Elapsed.TotalMilliseconds);
                    var after = proxy.ByService;
                    counts.Add([.. after.Select((c, s) => c - before[s])]);
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        Console.WriteLine($"  probe: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                    }

                    Console.WriteLine(
                        $"  one placement on an idle host ({idle:F1} storage requests/s before it): {latencies[^1]:F0} ms, storage requests {counts[^1].Sum()} (table {counts[^1][0]} / queue {counts[^1][1]} / blob {counts[^1][2]})"
                    );
                }

                var median = counts.OrderBy(c => c.Sum()).ElementAt(counts.Count / 2);
                Console.WriteLine(
                    $"  storage requests per placement, median of {counts.Count}: {median.Sum()} (table {median[0]} / queue {median[1]} / blob {median[2]}); latency median {latencies.Order().ElementAt(latencies.Count / 2):F0} ms"
                );
            },
            proxy.ConnectionString
        );
    }

    /// <summary>Waits (at most a minute) until the host's storage traffic is down to idle polling; the last second's rate.</summary>
    private static async Task<double> IdleAsync(StorageProxy proxy)
    {
        var last = 0L;
        for (var i = 0; i < 60; i++)
        {
            var before = proxy.ByService.Sum();
            await Task.Delay(TimeSpan.FromSeconds(1));
            last = proxy.ByService.Sum() - before;
            if (last <= 10)
            {
                break;
            }
        }

        return last;
    }

    /// <summary>An unmeasured request; a host too slow to answer within the client's timeout is reported, not fatal.</summary>
    private static async Task<(HttpStatusCode? Status, string Text)> WarmAsync(HttpClient http, HttpRequestMessage request)
    {
        try
        {
            using var response = await http.SendAsync(request);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return (null, ex.Message);
        }
        finally
        {
            request.Dispose();
        }
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

    /// <summary>
    /// A host with <paramref name="settings"/> on a fresh Azurite (or on <paramref name="storage"/>), and a client holding
    /// a new partner's sandbox key; with <paramref name="workerHost"/>, a second host on the same storage with only the
    /// worker role (it runs what the first one starts).
    /// </summary>
    private static async Task WithHostAsync(
        IReadOnlyDictionary<string, string> settings,
        Func<HttpClient, Task> body,
        string? storage = null,
        bool workerHost = false
    )
    {
        await using var azurite = storage is null ? await AzuriteProcess.StartAsync(SettingsProfile.FindRoot()) : null;
        var port = LoopbackPorts.FreePort();
        using var host = OrderBenchmark.StartHost(storage ?? azurite!.ConnectionString, port, null, settings);
        var workerPort = LoopbackPorts.FreePort();
        using var worker = workerHost
            ? OrderBenchmark.StartHost(
                storage ?? azurite!.ConnectionString,
                workerPort,
                null,
                new Dictionary<string, string>(settings) { ["Peeker__Roles"] = "worker" },
                _ => { }
            )
            : null;
        try
        {
            if (worker is not null)
            {
                using var workerHttp = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{workerPort}") };
                await OrderBenchmark.WaitHealthyAsync(workerHttp);
            }

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
            foreach (var process in new[] { host, worker }.OfType<System.Diagnostics.Process>())
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
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
