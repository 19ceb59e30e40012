using Microsoft.Extensions.DependencyInjection;
using Peeker.Activities.Cloudflare;
using Peeker.Activities.Providers;
using Peeker.Activities.Smartlead;
using Peeker.Sandbox.State;
using Peeker.Tests.Sandbox;

namespace Peeker.Tests.Activities.Providers;

/// <summary>
/// Our clients pace themselves: a burst over a provider's documented rate, through the real client against the sandbox
/// simulators (which count every call they refuse over the rate), gets no refusal; the calls over the budget wait.
/// </summary>
[Collection(SandboxServerGroup.Name)]
public sealed class ProviderPacerTests(SandboxServerFixture sandbox)
{
    [Fact]
    public async Task SmartleadClient_BurstOverSixtyAMinute_SandboxRefusesNothing()
    {
        await using var providers = sandbox.BuildProviders();
        var scope = SandboxServerFixture.NewPartner();
        var client = providers.GetRequiredService<ISmartleadClientFactory>().Create(scope);
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        var calls = Enumerable.Range(0, 75).Select(_ => client.ListClientsAsync(bound.Token)).ToList();
        var answered = await CountAnsweredAsync(calls);

        Assert.Empty(await RefusedAsync(scope));
        Assert.InRange(answered, 1, 60);
    }

    [Fact]
    public async Task CloudflareClient_BurstOver1200InFiveMinutes_SandboxRefusesNothing()
    {
        await using var providers = sandbox.BuildProviders();
        var scope = SandboxServerFixture.NewPartner();
        var client = providers.GetRequiredService<ICloudflareClientFactory>().Create(scope);
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var gate = new SemaphoreSlim(64);

        var calls = Enumerable
            .Range(0, 1230)
            .Select(async i =>
            {
                await gate.WaitAsync(bound.Token);
                try
                {
                    return await client.GetZoneAsync($"zone-missing-{i}", bound.Token);
                }
                finally
                {
                    gate.Release();
                }
            })
            .ToList();
        var answered = await CountAnsweredAsync(calls);

        Assert.Empty(await RefusedAsync(scope));
        Assert.InRange(answered, 1, 1200);
    }

    private async Task<List<System.Text.Json.JsonElement>> RefusedAsync(ProviderScope scope) =>
        (await sandbox.Inspector.ReadAsync(scope.PartnerId)).GetValueOrDefault(SandboxKinds.RateLimited) ?? [];

    /// <summary>Calls that got an answer (a refusal the retries gave up on counts too); those still waiting were cancelled.</summary>
    private static async Task<int> CountAnsweredAsync<T>(List<Task<T>> calls)
    {
        var answered = 0;
        foreach (var call in calls)
        {
            try
            {
                await call;
                answered++;
            }
            catch (OperationCanceledException) { }
            catch (ProviderException)
            {
                answered++;
            }
        }

        return answered;
    }
}
