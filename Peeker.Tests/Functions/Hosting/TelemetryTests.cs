using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.DurableTask;
using Microsoft.Extensions.Configuration;
using OpenTelemetry.Trace;
using Peeker.Activities.Common;
using Peeker.Durable.Telemetry;
using Peeker.Shared;
using Peeker.Tests.EndToEnd;
using Peeker.Tests.Support;

namespace Peeker.Tests.Functions.Hosting;

/// <summary>
/// The host's OpenTelemetry over a real order: the in-process host on Kestrel (so the sandbox providers are called over
/// HTTP), the real DTFx worker on Azurite, spans collected in memory.
/// </summary>
public sealed class TelemetryTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const string AdminKey = "adm_telemetry_test_key_0123456789";

    [Fact]
    public async Task PlaceOrder_OneTraceFromTheRequestThroughOrchestrationActivitiesAndProviderCalls()
    {
        var spans = new List<Activity>();
        var measured = new List<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == PeekerMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>(
            (instrument, _, tags, _) =>
            {
                var line = instrument.Name + " " + string.Join(",", tags.ToArray().Select(t => $"{t.Key}={t.Value}").Order());
                lock (measured)
                {
                    measured.Add(line);
                }
            }
        );
        listener.Start();
        var port = LoopbackPorts.FreePort();
        var baseAddress = new Uri($"http://127.0.0.1:{port}/");
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Development");
            b.UseSetting("urls", baseAddress.ToString());
            b.ConfigureAppConfiguration(c =>
                c.AddInMemoryCollection(
                    new Dictionary<string, string?>
                    {
                        ["AzureWebJobsStorage"] = azurite.ConnectionString,
                        ["Peeker:AdminKey"] = AdminKey,
                        ["Providers:Sandbox:BaseUrl"] = $"{baseAddress}sandbox",
                        ["AzureFunctionsJobHost:extensions:durableTask:storageProvider:maxQueuePollingInterval"] = "00:00:00.500",
                    }
                )
            );
            b.ConfigureTestServices(s => s.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans)));
        });
        factory.UseKestrel();
        factory.StartServer();
        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        await using var receiver = await WebhookReceiver.StartAsync();
        var (partnerId, key) = await EndToEndSettings.CreatePartnerAsync(http, AdminKey, "Traced Agency");
        await EndToEndSettings.SetWebhookAsync(http, AdminKey, partnerId, receiver.Url);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);

        using var placed = await http.PostAsJsonAsync(
            "/partner/v1/orders",
            new
            {
                user = "traced@example.com",
                google_licenses = 2,
                microsoft_licenses = 0,
                google_inboxes_per_domain = 2,
                sequencer = new
                {
                    provider = "smartlead",
                    client_id = 366903,
                    login_email = "ops@traced.example",
                    login_password = "not-a-real-password",
                },
                domains = new[] { "traced-one.com" },
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
        );
        var placedBody = await placed.Content.ReadAsStringAsync();
        Assert.True(placed.StatusCode == HttpStatusCode.OK, placedBody);
        var orderId = JsonDocument.Parse(placedBody).RootElement.GetProperty("data").GetProperty("id").GetString()!;
        await WaitForAsync(async () => (await OrderStatusAsync(http, orderId)) is "completed" or "failed");
        Assert.Equal("completed", await OrderStatusAsync(http, orderId));

        // Spans are exported when they end; the order's last webhook deliveries may still be running.
        await WaitForAsync(() => Task.FromResult(IsOneTree(TraceOf(Snapshot(spans), port))), throwOnTimeout: false);

        // The order.completed delivery is its own orchestration and may still be on its way when the order reads completed.
        await WaitForAsync(
            () =>
            {
                lock (measured)
                {
                    return Task.FromResult(
                        measured.Any(m =>
                            m.StartsWith("peeker.webhook.attempts event_type=order.completed,outcome=delivered", StringComparison.Ordinal)
                        )
                    );
                }
            },
            throwOnTimeout: false
        );
        var trace = TraceOf(Snapshot(spans), port);
        var ids = trace.Select(s => s.SpanId).ToHashSet();
        var orphans = trace.Where(s => s.ParentSpanId != default && !ids.Contains(s.ParentSpanId)).Select(s => s.DisplayName);
        var dtfx = trace.Where(s => s.Source.Name == DurableMetrics.DtfxActivitySource).ToList();
        Assert.Contains(dtfx, s => s.DisplayName == "orchestration:ProvisionOrderOrchestrator");
        Assert.Contains(dtfx, s => s.DisplayName == "orchestration:ProvisionDomainOrchestrator");
        Assert.Contains(dtfx, s => s.DisplayName == "activity:BuyDomain");
        Assert.Contains(dtfx, s => s.DisplayName == "activity:CreateInbox");
        var providerCalls = trace
            .Where(s => s.Kind == ActivityKind.Client && s.Source.Name.StartsWith("System.Net.Http", StringComparison.Ordinal))
            .ToList();
        Assert.Contains(providerCalls, s => Path(s).StartsWith("/sandbox/registrar", StringComparison.Ordinal));
        Assert.Contains(providerCalls, s => Path(s).StartsWith("/sandbox/cloudflare", StringComparison.Ordinal));
        Assert.Contains(providerCalls, s => Path(s).StartsWith("/sandbox/google", StringComparison.Ordinal));
        Assert.Contains(providerCalls, s => Path(s).StartsWith("/sandbox/smartlead", StringComparison.Ordinal));
        Assert.DoesNotContain(trace, s => Path(s).Contains("devstoreaccount1", StringComparison.Ordinal));
        lock (measured)
        {
            Assert.Contains("peeker.orders environment=test,status=in_progress", measured);
            Assert.Contains("peeker.orders environment=test,status=completed", measured);
            Assert.Contains(
                measured,
                m => m.StartsWith("peeker.webhook.attempts event_type=order.completed,outcome=delivered", StringComparison.Ordinal)
            );
        }

        Assert.True(
            IsOneTree(trace),
            "every span of the order's trace hangs off the partner's request; orphans: " + string.Join(", ", orphans)
        );
    }

    /// <summary>
    /// The spans of the trace that holds this test's <c>POST /partner/v1/orders</c>: the listener sees the whole process,
    /// where other test classes place orders on their own hosts at the same time, so the request is picked by this host's port.
    /// </summary>
    private static List<Activity> TraceOf(List<Activity> spans, int port)
    {
        var request = spans.SingleOrDefault(s =>
            s.Kind == ActivityKind.Server
            && s.DisplayName == "POST /partner/v1/orders"
            && Convert.ToString(s.GetTagItem("server.port"), System.Globalization.CultureInfo.InvariantCulture)
                == port.ToString(System.Globalization.CultureInfo.InvariantCulture)
        );
        return request is null ? [] : spans.Where(s => s.TraceId == request.TraceId).ToList();
    }

    /// <summary>One tree: a single root (the test's own client call) and every other span's parent in the set.</summary>
    private static bool IsOneTree(List<Activity> trace)
    {
        var ids = trace.Select(s => s.SpanId).ToHashSet();
        return trace.Count > 0
            && trace.Count(s => s.ParentSpanId == default) == 1
            && trace.All(s => s.ParentSpanId == default || ids.Contains(s.ParentSpanId));
    }

    [Fact]
    public async Task ActivityDuration_IsRecordedPerActivityAndOutcome()
    {
        var recorded = new List<(double Seconds, string? Activity, string? Outcome)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == DurableMetrics.MeterName && instrument.Name == "peeker.activity.duration")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>(
            (_, value, tags, _) =>
            {
                var all = tags.ToArray();
                lock (recorded)
                {
                    recorded.Add(
                        (
                            value,
                            all.FirstOrDefault(t => t.Key == "activity").Value as string,
                            all.FirstOrDefault(t => t.Key == "outcome").Value as string
                        )
                    );
                }
            }
        );
        listener.Start();
        await using var host = await Durable.Support.DurableTestHost.StartAsync(
            azurite.ConnectionString,
            r =>
                r.AddActivityFunc<string, string>("Echo", (_, input) => input)
                    .AddActivityFunc<string, string>(
                        "Boom",
                        (TaskActivityContext _, string input) => input.Length >= 0 ? throw new InvalidOperationException("boom") : input
                    )
                    .AddOrchestratorFunc<string, string>(
                        "Measured",
                        async (context, input) =>
                        {
                            var echoed = await context.CallActivityAsync<string>("Echo", input);
                            try
                            {
                                await context.CallActivityAsync<string>("Boom", input);
                            }
                            catch (TaskFailedException) { }

                            return echoed;
                        }
                    )
        );

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Measured", "x");
        await host.WaitAsync(id);

        lock (recorded)
        {
            Assert.Contains(recorded, r => r.Activity == "Echo" && r.Outcome == "succeeded" && r.Seconds >= 0);
            Assert.Contains(recorded, r => r.Activity == "Boom" && r.Outcome == "failed");
        }
    }

    private static List<Activity> Snapshot(List<Activity> spans)
    {
        lock (spans)
        {
            return [.. spans];
        }
    }

    private static string Path(Activity span) =>
        span.GetTagItem("url.full") is string url && Uri.TryCreate(url, UriKind.Absolute, out var uri)
            ? uri.AbsolutePath
            : span.GetTagItem("url.path") as string ?? "";

    private static async Task<string?> OrderStatusAsync(HttpClient http, string orderId)
    {
        using var response = await http.GetAsync(new Uri($"/partner/v1/orders/{orderId}", UriKind.Relative));
        return JsonDocument
            .Parse(await response.Content.ReadAsStringAsync())
            .RootElement.GetProperty("data")
            .GetProperty("status")
            .GetString();
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, bool throwOnTimeout = true)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            if (deadline.Elapsed > TimeSpan.FromMinutes(2))
            {
                Assert.False(throwOnTimeout, "the condition did not hold within 2 minutes");
                return;
            }

            await Task.Delay(250);
        }
    }
}
