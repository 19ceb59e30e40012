using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Peeker.Shared;
using Peeker.Tests.Support;

namespace Peeker.Tests.Functions.Ops;

/// <summary>
/// The real host on Kestrel (so a browser can reach it) with its DTFx worker on a private Azurite, plus three test-only
/// orchestrations registered into the host's task registry: <see cref="Echo"/> completes, <see cref="Wait"/> runs until
/// an event, <see cref="FailOnce"/> fails on its first call per input and succeeds when rewound.
/// </summary>
public sealed partial class OpsConsoleFixture : IAsyncLifetime
{
    public const string AdminKey = "adm_ops_console_test_key_0123456789";
    public const string Echo = "OpsTestEcho";
    public const string Wait = "OpsTestWait";
    public const string FailOnce = "OpsTestFailOnce";
    public const string ChromiumPath = "/usr/bin/chromium";

    private readonly AzuriteFixture _azurite = new();
    private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.Ordinal);
    private WebApplicationFactory<Program>? _factory;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The fixture's Azurite, for a second host on its own task hub.</summary>
    public string StorageConnectionString => _azurite.ConnectionString;

    public DurableTaskClient Client => _factory!.Services.GetRequiredService<DurableTaskClient>();

    public async Task InitializeAsync()
    {
        await _azurite.InitializeAsync();
        BaseAddress = new Uri($"http://127.0.0.1:{LoopbackPorts.FreePort()}/");
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Development");
            b.UseSetting("urls", BaseAddress.ToString());
            b.ConfigureAppConfiguration(c =>
                c.AddInMemoryCollection(
                    new Dictionary<string, string?>
                    {
                        ["AzureWebJobsStorage"] = _azurite.ConnectionString,
                        ["Peeker:AdminKey"] = AdminKey,
                        ["Providers:Sandbox:BaseUrl"] = $"{BaseAddress}sandbox",
                        ["AzureFunctionsJobHost:extensions:durableTask:storageProvider:maxQueuePollingInterval"] = "00:00:00.500",
                        ["Logging:LogLevel:Default"] = "Warning",
                    }
                )
            );
            b.ConfigureTestServices(services =>
            {
                var registry = (DurableTaskRegistry)
                    services.Single(d => d.ServiceType == typeof(DurableTaskRegistry)).ImplementationInstance!;
                registry
                    .AddOrchestratorFunc<string, string>(Echo, (_, input) => input)
                    .AddOrchestratorFunc<string, string>(Wait, (ctx, _) => ctx.WaitForExternalEvent<string>("go"))
                    .AddActivityFunc<string, string>(
                        "OpsTestStep",
                        (_, input) =>
                            _calls.AddOrUpdate(input, 1, (_, n) => n + 1) == 1
                                ? throw new InvalidOperationException($"provider down for {input}")
                                : Task.FromResult(input + " done")
                    )
                    .AddOrchestratorFunc<string, string>(FailOnce, (ctx, input) => ctx.CallActivityAsync<string>("OpsTestStep", input));
            });
        });
        _factory.UseKestrel();
        _factory.StartServer();
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        await _azurite.DisposeAsync();
    }

    /// <summary>
    /// Headless Debian Chromium, started once. Without <see cref="ChromiumPath"/> the calling test is skipped with the
    /// install command, except under CI (<c>CI=true</c>), where it fails: CI must run the browser tests.
    /// </summary>
    public async Task<IBrowser> BrowserAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                Assert.Fail(
                    $"CI=true and {ChromiumPath} is missing: the ops console browser tests must run in CI (.ci/run installs Debian's chromium package)."
                );
            }

            Skip.If(
                true,
                $"Ops console browser tests skipped: no browser at {ChromiumPath}. Install Debian's chromium package (sudo apt-get install chromium) to run them."
            );
        }

        if (_browser is null)
        {
            // Playwright must never fetch its own browser builds: the machine's chromium is the browser.
            Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
            _playwright = await Playwright.CreateAsync();
            _browser = await _playwright.Chromium.LaunchAsync(
                new BrowserTypeLaunchOptions
                {
                    ExecutablePath = ChromiumPath,
                    Headless = true,
                    // Chromium refuses to start its sandbox as root (CI and these machines run as root).
                    Args = Environment.UserName == "root" ? ["--no-sandbox"] : [],
                }
            );
        }

        return _browser;
    }

    /// <summary>A page in a fresh context (its own cookies) at desktop width, or a phone's.</summary>
    public async Task<IPage> NewPageAsync(bool phone = false)
    {
        var browser = await BrowserAsync();
        var context = await browser.NewContextAsync(
            new BrowserNewContextOptions
            {
                BaseURL = BaseAddress.ToString(),
                ViewportSize = phone ? new ViewportSize { Width = 390, Height = 844 } : new ViewportSize { Width = 1280, Height = 900 },
                IsMobile = phone,
            }
        );
        context.SetDefaultTimeout(30_000);
        return await context.NewPageAsync();
    }

    /// <summary>Signs <paramref name="page"/> in through the form.</summary>
    public static async Task SignInAsync(IPage page, string key = AdminKey)
    {
        await page.GotoAsync("/ops/signin");
        await page.GetByLabel("Admin key").FillAsync(key);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }

    /// <summary>An HTTP client with cookies and no redirects, signed in through the form with its anti-forgery token.</summary>
    public async Task<HttpClient> SignedInClientAsync(CookieContainer? jar = null)
    {
        var http = NewHttpClient(jar);
        var token = await AntiforgeryTokenAsync(http, "/ops/signin");
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["AdminKey"] = AdminKey, ["__ops_af"] = token });
        using var response = await http.PostAsync(new Uri("/ops/signin", UriKind.Relative), form);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return http;
    }

    public HttpClient NewHttpClient(CookieContainer? jar = null) =>
        new(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = jar ?? new CookieContainer() })
        {
            BaseAddress = BaseAddress,
            Timeout = TimeSpan.FromSeconds(60),
        };

    /// <summary>The anti-forgery form token of the page at <paramref name="path"/> (its cookie lands in the client's jar).</summary>
    public static async Task<string> AntiforgeryTokenAsync(HttpClient http, string path)
    {
        var html = await http.GetStringAsync(new Uri(path, UriKind.Relative));
        return WebUtility.HtmlDecode(TokenField().Match(html).Groups[1].Value);
    }

    public async Task<OrchestrationMetadata> WaitForStatusAsync(string instanceId, OrchestrationRuntimeStatus status)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var instance = await Client.GetInstanceAsync(instanceId, getInputsAndOutputs: true);
            if (instance?.RuntimeStatus == status)
            {
                return instance;
            }

            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(2), $"{instanceId} is {instance?.RuntimeStatus}, not {status}");
            await Task.Delay(200);
        }
    }

    /// <summary>A sandbox partner with a webhook endpoint, one placed order waited until completed; returns the order id.</summary>
    public async Task<(string OrderId, string PartnerId, string Domain)> PlaceCompletedOrderAsync(string webhookUrl)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        var (partnerId, key) = await EndToEnd.EndToEndSettings.CreatePartnerAsync(http, AdminKey, "Ops Console Agency");
        await EndToEnd.EndToEndSettings.SetWebhookAsync(http, AdminKey, partnerId, webhookUrl);
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        var domain = $"opsview{Guid.NewGuid():N}"[..20] + ".com";
        using var placed = await System.Net.Http.Json.HttpClientJsonExtensions.PostAsJsonAsync(
            http,
            "/partner/v1/orders",
            new
            {
                user = "ops-view@example.com",
                google_licenses = 1,
                microsoft_licenses = 0,
                google_inboxes_per_domain = 2,
                sequencer = new
                {
                    provider = "smartlead",
                    client_id = 366903,
                    login_email = "ops@view.example",
                    login_password = "not-a-real-password",
                },
                domains = new[] { domain },
                personas = new[]
                {
                    new
                    {
                        first_name = "Ada",
                        last_name = "Ops",
                        profile_picture_url = (string?)null,
                    },
                },
            }
        );
        var body = await placed.Content.ReadAsStringAsync();
        Assert.True(placed.StatusCode == HttpStatusCode.OK, body);
        var orderId = JsonDocument.Parse(body).RootElement.GetProperty("data").GetProperty("id").GetString()!;
        var clock = Stopwatch.StartNew();
        string? status;
        do
        {
            await Task.Delay(300);
            using var response = await http.GetAsync(new Uri($"/partner/v1/orders/{orderId}", UriKind.Relative));
            status = JsonDocument
                .Parse(await response.Content.ReadAsStringAsync())
                .RootElement.GetProperty("data")
                .GetProperty("status")
                .GetString();
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(3), $"order {orderId} is still {status}");
        } while (status is not ("completed" or "failed"));

        Assert.Equal("completed", status);
        return (orderId, partnerId, domain);
    }

    [GeneratedRegex("name=\"__ops_af\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}

[CollectionDefinition(Name)]
public sealed class OpsConsoleHostGroup : ICollectionFixture<OpsConsoleFixture>
{
    public const string Name = "Ops console host";
}
