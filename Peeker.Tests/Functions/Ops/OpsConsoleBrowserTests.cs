using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Playwright;
using Peeker.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Peeker.Tests.Functions.Ops;

/// <summary>
/// The ops console in headless Debian Chromium (Playwright for .NET) against the real host on Azurite. Skipped with a
/// message on a machine without <c>/usr/bin/chromium</c>; failed instead under <c>CI=true</c>.
/// </summary>
[Collection(OpsConsoleHostGroup.Name)]
public sealed class OpsConsoleBrowserTests(OpsConsoleFixture host)
{
    [SkippableFact]
    public async Task SignIn_WrongKeyRefused_RightKeyGetsHttpOnlyStrictSessionCookie()
    {
        var page = await host.NewPageAsync();

        await page.GotoAsync("/ops");
        Assert.EndsWith("/ops/signin", new Uri(page.Url).AbsolutePath, StringComparison.Ordinal);
        await OpsConsoleFixture.SignInAsync(page, "adm_this_is_not_the_key_000000000");
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("not the admin key");
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == "peeker_ops");

        await page.GetByLabel("Admin key").FillAsync(OpsConsoleFixture.AdminKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Orchestration instances" })).ToBeVisibleAsync();
        var session = Assert.Single(await page.Context.CookiesAsync(), c => c.Name == "peeker_ops");
        Assert.True(session.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, session.SameSite);
        Assert.Equal(0, await page.EvaluateAsync<int>("document.cookie.indexOf('peeker_ops=') + 1"));

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page.GetByLabel("Admin key")).ToBeVisibleAsync();
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == "peeker_ops");
    }

    [SkippableFact]
    public async Task Instances_FilteredByPrefixAndStatus_ListOnlyMatchingWithCounts()
    {
        var prefix = $"ops-filter-{Guid.NewGuid():N}"[..24];
        await host.Client.ScheduleNewOrchestrationInstanceAsync(
            OpsConsoleFixture.Wait,
            "w",
            new StartOrchestrationOptions(prefix + "-running")
        );
        await host.Client.ScheduleNewOrchestrationInstanceAsync(
            OpsConsoleFixture.Echo,
            "a",
            new StartOrchestrationOptions(prefix + "-done-a")
        );
        await host.Client.ScheduleNewOrchestrationInstanceAsync(
            OpsConsoleFixture.Echo,
            "b",
            new StartOrchestrationOptions(prefix + "-done-b")
        );
        await host.Client.ScheduleNewOrchestrationInstanceAsync(
            OpsConsoleFixture.Echo,
            "c",
            new StartOrchestrationOptions("other-" + prefix)
        );
        await host.WaitForStatusAsync(prefix + "-running", OrchestrationRuntimeStatus.Running);
        await host.WaitForStatusAsync(prefix + "-done-a", OrchestrationRuntimeStatus.Completed);
        await host.WaitForStatusAsync(prefix + "-done-b", OrchestrationRuntimeStatus.Completed);
        var page = await host.NewPageAsync();
        await OpsConsoleFixture.SignInAsync(page);

        await page.GetByLabel("Instance id prefix").FillAsync(prefix);
        await page.GetByLabel("Status", new() { Exact = true }).SelectOptionAsync("Completed");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply filters" }).ClickAsync();

        var rows = page.Locator("table[aria-label=Instances] tbody tr");
        await Expect(rows).ToHaveCountAsync(2);
        Assert.Equal(
            [prefix + "-done-a", prefix + "-done-b"],
            (await rows.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.instance)")).Order(StringComparer.Ordinal)
        );
        await Expect(page.Locator("[data-status=Completed] .count")).ToHaveTextAsync("2");
        await Expect(page.Locator("[data-status=Running] .count")).ToHaveTextAsync("1");

        await page.Locator("[data-status=Running]").ClickAsync();
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First).ToHaveAttributeAsync("data-instance", prefix + "-running");

        await page.GetByLabel("Orchestration name").FillAsync("NoSuchOrchestration");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply filters" }).ClickAsync();
        await Expect(rows).ToHaveCountAsync(0);
    }

    [SkippableFact]
    public async Task Order_OpensWithItsOrchestrationsWebhooksAndSandboxState_TimelineDrillsIntoDomain()
    {
        await host.BrowserAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        var (orderId, partnerId, domain) = await host.PlaceCompletedOrderAsync(receiver.Url);
        await receiver.WaitForAsync("order.completed", TimeSpan.FromMinutes(1));
        var page = await host.NewPageAsync();
        await OpsConsoleFixture.SignInAsync(page);

        await page.GetByLabel("Open order by id").FillAsync(orderId);
        await page.GetByRole(AriaRole.Button, new() { Name = "Open order" }).ClickAsync();

        await Expect(page.Locator("#order-status")).ToHaveTextAsync("completed");
        await Expect(page.GetByText(partnerId).First).ToBeVisibleAsync();
        await Expect(page.Locator($"table[aria-label=Orchestrations] tr[data-instance='{orderId}']")).ToContainTextAsync("Completed");
        await Expect(page.Locator($"table[aria-label=Orchestrations] tr[data-instance='{orderId}:{domain}']"))
            .ToContainTextAsync("ProvisionDomainOrchestrator");
        await Expect(page.Locator("table[aria-label='Webhook deliveries'] tr[data-event-type='order.completed']"))
            .ToContainTextAsync("delivered");
        await Expect(page.Locator("details[data-kind='registrar.domain']")).ToContainTextAsync("registrar.domain");

        await page.Locator($"table[aria-label=Orchestrations] tr[data-instance='{orderId}'] a").ClickAsync();
        await Expect(page.Locator("#runtime-status")).ToHaveTextAsync("Completed");
        var subOrchestration = page.Locator("ol.timeline li[data-kind=SubOrchestration]");
        await Expect(subOrchestration).ToHaveCountAsync(1);
        await Expect(page.Locator("ol.timeline li[data-kind=Activity]").First).ToBeVisibleAsync();
        var width = await subOrchestration.Locator(".bar").EvaluateAsync<string>("b => b.style.width");
        Assert.EndsWith("%", width, StringComparison.Ordinal);
        Assert.True(double.Parse(width.TrimEnd('%'), CultureInfo.InvariantCulture) > 0, width);

        await subOrchestration.GetByRole(AriaRole.Link).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync($"{orderId}:{domain}");
        await Expect(page.Locator("ol.timeline li[data-kind=Activity][data-name=BuyDomain]")).ToHaveCountAsync(1);
        await Expect(page.Locator("ol.timeline li[data-kind=Activity][data-name=CreateInbox]").First).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = orderId }).First).ToBeVisibleAsync();
        Assert.DoesNotContain("not-a-real-password", await page.ContentAsync(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Rewind_FailedInstanceConfirmedOnAPhone_CompletesWithTheFailedStepRetried()
    {
        await host.BrowserAsync();
        var id = $"ops-rewind-{Guid.NewGuid():N}";
        await host.Client.ScheduleNewOrchestrationInstanceAsync(OpsConsoleFixture.FailOnce, id, new StartOrchestrationOptions(id));
        await host.WaitForStatusAsync(id, OrchestrationRuntimeStatus.Failed);
        var page = await host.NewPageAsync(phone: true);
        await OpsConsoleFixture.SignInAsync(page);

        await page.GotoAsync($"/ops/instances/{id}");
        await Expect(page.Locator("#runtime-status")).ToHaveTextAsync("Failed");
        await Expect(page.GetByLabel("Failure details")).ToContainTextAsync("provider down for " + id);
        await Expect(page.Locator("ol.timeline li[data-failed=true]")).ToHaveCountAsync(1);
        var rewind = page.GetByRole(AriaRole.Form, new() { Name = "Rewind" });
        await rewind.GetByLabel("Yes, rewind this instance").CheckAsync();
        await rewind.GetByRole(AriaRole.Button, new() { Name = "Rewind" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Rewind requested");

        await host.WaitForStatusAsync(id, OrchestrationRuntimeStatus.Completed);
        await page.ReloadAsync();
        await Expect(page.Locator("#runtime-status")).ToHaveTextAsync("Completed");
        await Expect(page.GetByLabel("Output")).ToContainTextAsync(id + " done");
    }
}
