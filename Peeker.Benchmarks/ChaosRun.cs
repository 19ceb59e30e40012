using System.Globalization;
using System.Text.Json;
using Peeker.Shared;

namespace Peeker.Benchmarks;

/// <summary>
/// One run of the chaos harness: a fresh Azurite behind the storage proxy, <see cref="ChaosSettings.Hosts"/> host
/// processes, one sandbox partner per order (the sandbox enforces provider rate limits per partner), every order
/// posted at once; then hosts are killed, storage fails or Azurite restarts as the settings say, until every order has
/// finished. The result counts what a partner and the providers saw.
/// </summary>
internal sealed class ChaosRun
{
    private static readonly string[] FaultWords = ["flaky", "ratelimited", "badpic", "nsfail"];
    private readonly ChaosSettings _settings;
    private readonly Random _random;
    private readonly List<TimeSpan> _kills = [];
    private readonly bool[] _healthy;

    private ChaosRun(ChaosSettings settings)
    {
        _settings = settings;
        _random = new Random(settings.Seed);
        _healthy = new bool[settings.Hosts];
    }

    public static async Task<ChaosResult> RunAsync(ChaosSettings settings) => await new ChaosRun(settings).RunAsync();

    private async Task<ChaosResult> RunAsync()
    {
        var folder =
            _settings.AzuriteRestartAt is null && !_settings.PersistAzurite
                ? null
                : Directory.CreateTempSubdirectory("peeker-chaos-azurite-").FullName;
        var azurite = await AzuriteProcess.StartAsync(SettingsProfile.FindRoot(), folder);
        try
        {
            return await RunOnAsync(azurite);
        }
        finally
        {
            await azurite.DisposeAsync();
            if (folder is not null)
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    private async Task<ChaosResult> RunOnAsync(AzuriteProcess azurite)
    {
        var faults = _settings.Faults;
        if (faults is not null)
        {
            faults.Enabled = false;
        }

        await using var proxy = await StorageProxy.StartAsync(azurite.ConnectionString, faults);
        await using var ledger = await EventLedger.StartAsync();
        var hostSettings = new Dictionary<string, string>
        {
            // The nsfail orders fail once the propagation budget is spent: a minute here, not the production 24 hours.
            ["Provisioning__PropagationTimeout"] = _settings.ProviderFaultShare > 0 ? "00:01:00" : "1.00:00:00",
        };
        await using var fleet = new HostFleet(_settings.Hosts, proxy.ConnectionString, _settings.Profile, hostSettings);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        await Task.WhenAll(Enumerable.Range(0, fleet.Count).Select(fleet.StartAsync));
        Array.Fill(_healthy, true);
        var orders = await PlaceOrdersAsync(fleet, http, ledger);
        var start = orders.Min(o => o.PostedAt);
        if (faults is not null)
        {
            faults.Enabled = true;
        }

        using var stop = new CancellationTokenSource();
        var chaos = Task.WhenAll(KillLoopAsync(fleet, ledger, start, stop.Token), RestartAzuriteAsync(azurite, ledger, start, stop.Token));
        var finished = await WaitFinishedAsync(ledger, orders, _settings.Timeout);
        await stop.CancelAsync();
        await chaos;
        if (faults is not null)
        {
            faults.Enabled = false;
        }

        var wall = (finished - start).TotalSeconds;
        for (var i = 0; i < fleet.Count; i++)
        {
            if (!fleet.IsRunning(i))
            {
                await fleet.StartAsync(i);
            }
        }

        // Events delivered after their order finished (a domain.connected whose delivery was cut by a kill) get a
        // grace period before they count as lost.
        await WaitEventsAsync(ledger, orders, TimeSpan.FromSeconds(120));
        var inspections = new Dictionary<string, SandboxRows>();
        foreach (var order in orders)
        {
            inspections[order.PartnerId] = await SandboxOrders.InspectAsync(fleet, http, order.PartnerId);
        }

        return ChaosResult.From(_settings.Faults?.Injected, orders, ledger, inspections, proxy, _kills, start, wall, fleet.LogTail(40));
    }

    private async Task<List<PlacedOrder>> PlaceOrdersAsync(HostFleet fleet, HttpClient http, EventLedger ledger)
    {
        var tag = _random.Next(0x100000, 0xFFFFFF).ToString("x6", CultureInfo.InvariantCulture);
        var plans = Enumerable
            .Range(0, _settings.Orders)
            .Select(i =>
            {
                var count = _random.Next(_settings.MinDomains, _settings.MaxDomains + 1);
                var microsoft = _random.Next(0, count + 1);
                var domains = Enumerable
                    .Range(0, count)
                    .Select(j =>
                    {
                        var word = _random.NextDouble() < _settings.ProviderFaultShare ? FaultWords[_random.Next(FaultWords.Length)] : "c";
                        return $"{word}{tag}{i}x{j}.com";
                    })
                    .ToArray();
                return (Index: i, Domains: domains, Google: count - microsoft, Microsoft: microsoft);
            })
            .ToList();

        var partners = new List<SandboxOrders.Partner>();
        using (var admin = new HttpClient { BaseAddress = fleet.Address(0), Timeout = TimeSpan.FromSeconds(60) })
        {
            foreach (var _ in plans)
            {
                partners.Add(await SandboxOrders.CreatePartnerAsync(admin, ledger.Url));
            }
        }

        var placed = await Task.WhenAll(
            plans.Select(async plan =>
            {
                var partner = partners[plan.Index];
                var posted = ledger.Now;
                var body = SandboxOrders.OrderBody(plan.Index, tag, plan.Domains, plan.Google, plan.Microsoft);
                var id = await SandboxOrders.PostOrderAsync(fleet, http, partner, body);
                return new PlacedOrder(id, partner.Id, plan.Domains, plan.Google, plan.Microsoft, posted);
            })
        );
        return [.. placed];
    }

    private async Task KillLoopAsync(HostFleet fleet, EventLedger ledger, TimeSpan start, CancellationToken stop)
    {
        var restarts = new List<Task>();
        try
        {
            while (_kills.Count < _settings.MaxKills && ledger.Now - start < _settings.Duration)
            {
                var (min, max) = _settings.KillEvery;
                await Task.Delay(TimeSpan.FromSeconds(min + (_random.NextDouble() * (max - min))), stop);
                var candidates = Enumerable.Range(0, fleet.Count).Where(i => _healthy[i] && fleet.IsRunning(i)).ToList();
                if (candidates.Count == 0 || (!_settings.Restart && candidates.Count == 1))
                {
                    continue;
                }

                var victim = candidates[_random.Next(candidates.Count)];
                _healthy[victim] = false;
                await fleet.KillAsync(victim);
                _kills.Add(ledger.Now);
                Console.WriteLine($"  {(ledger.Now - start).TotalSeconds, 6:F1} s: killed host {victim}");
                if (_settings.Restart)
                {
                    restarts.Add(RestartAsync(fleet, victim));
                }
            }
        }
        catch (OperationCanceledException) { }

        await Task.WhenAll(restarts);
    }

    private async Task RestartAsync(HostFleet fleet, int host)
    {
        await fleet.StartAsync(host);
        _healthy[host] = true;
    }

    private async Task RestartAzuriteAsync(AzuriteProcess azurite, EventLedger ledger, TimeSpan start, CancellationToken stop)
    {
        if (_settings.AzuriteRestartAt is not { } at)
        {
            return;
        }

        try
        {
            await Task.Delay(at - (ledger.Now - start), stop);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        Console.WriteLine($"  {(ledger.Now - start).TotalSeconds, 6:F1} s: restarting Azurite");
        await azurite.RestartAsync(_settings.AzuriteDowntime);
        Console.WriteLine($"  {(ledger.Now - start).TotalSeconds, 6:F1} s: Azurite is back");
    }

    /// <summary>Waits until every order has an order.completed or order.failed; returns when the last one arrived.</summary>
    private static async Task<TimeSpan> WaitFinishedAsync(EventLedger ledger, List<PlacedOrder> orders, TimeSpan timeout)
    {
        var deadline = ledger.Now + timeout;
        var report = ledger.Now;
        while (ledger.Now < deadline)
        {
            var finished = orders.Select(o => ledger.First("order.completed", o.Id) ?? ledger.First("order.failed", o.Id)).ToList();
            if (finished.All(f => f is not null))
            {
                return finished.Max(f => f!.At);
            }

            if (ledger.Now - report > TimeSpan.FromSeconds(30))
            {
                report = ledger.Now;
                Console.WriteLine(
                    $"  {(ledger.Now - orders.Min(o => o.PostedAt)).TotalSeconds, 6:F1} s: {finished.Count(f => f is not null)}/{orders.Count} orders finished"
                );
            }

            await Task.Delay(250);
        }

        return ledger.Now;
    }

    private static async Task WaitEventsAsync(EventLedger ledger, List<PlacedOrder> orders, TimeSpan grace)
    {
        var deadline = ledger.Now + grace;
        while (ledger.Now < deadline && orders.Any(o => ChaosResult.MissingEvents(ledger, o).Any()))
        {
            await Task.Delay(500);
        }
    }
}

/// <summary>An order the harness placed: its domains and how many are Google or Microsoft.</summary>
internal sealed record PlacedOrder(string Id, string PartnerId, string[] Domains, int Google, int Microsoft, TimeSpan PostedAt)
{
    public bool ExpectsFailure => Domains.Any(d => d.StartsWith("nsfail", StringComparison.Ordinal));
}

/// <summary>A read of <c>/sandbox/_inspect/{partner}</c>: every row the simulators hold, as JSON text, by kind.</summary>
internal sealed record SandboxRows(JsonElement Seen)
{
    public List<string> Rows(string kind) =>
        Seen.TryGetProperty(kind, out var rows) ? [.. rows.EnumerateArray().Select(r => r.GetRawText())] : [];

    public List<JsonElement> Elements(string kind) => Seen.TryGetProperty(kind, out var rows) ? [.. rows.EnumerateArray()] : [];
}
