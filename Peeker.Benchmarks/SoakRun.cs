using System.Collections.Concurrent;
using System.Globalization;
using Peeker.Shared;

namespace Peeker.Benchmarks;

/// <summary>
/// One soak: a fresh in-memory Azurite behind the counting proxy, one host, a pool of sandbox partners whose webhooks
/// point at the <see cref="EventLedger"/>. Orders are placed at a steady rate for the load phase, a share of the
/// completed ones is cancelled; then the run waits until every order and cancellation has finished (drain) and
/// watches the host with no work at all (idle). A <see cref="SoakSample"/> is taken every minute throughout.
/// </summary>
internal sealed class SoakRun(SoakSettings settings)
{
    private readonly Random _random = new(settings.Seed);
    private readonly ConcurrentQueue<PlacedOrder> _orders = new();
    private readonly ConcurrentDictionary<string, bool> _wantsCancel = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _cancelAccepted = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _problems = new();
    private readonly List<Task> _work = [];

    public static async Task<SoakResult> RunAsync(SoakSettings settings) => await new SoakRun(settings).RunAsync();

    private async Task<SoakResult> RunAsync()
    {
        await using var azurite = await AzuriteProcess.StartAsync(SettingsProfile.FindRoot(), null);
        await using var proxy = await StorageProxy.StartAsync(azurite.ConnectionString);
        await using var ledger = await EventLedger.StartAsync();
        var hostSettings = new Dictionary<string, string>
        {
            ["Peeker__SandboxCancellationDelay"] = settings.CancellationDelay.ToString("c", CultureInfo.InvariantCulture),
        };
        await using var fleet = new HostFleet(1, proxy.ConnectionString, null, hostSettings);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        await fleet.StartAsync(0);
        var partners = new List<SandboxOrders.Partner>();
        using (var admin = new HttpClient { BaseAddress = fleet.Address(0), Timeout = TimeSpan.FromSeconds(60) })
        {
            for (var i = 0; i < settings.Partners; i++)
            {
                partners.Add(await SandboxOrders.CreatePartnerAsync(admin, ledger.Url));
            }
        }

        var sampler = new SoakSampler(fleet, proxy, ledger, http);
        await sampler.StartAsync();
        var tag = _random.Next(0x100000, 0xFFFFFF).ToString("x6", CultureInfo.InvariantCulture);
        var start = ledger.Now;
        var every = TimeSpan.FromMinutes(1 / settings.OrdersPerMinute);
        var placed = 0;
        while (ledger.Now - start < settings.Load)
        {
            if (ledger.Now - start >= every * placed)
            {
                var index = placed++;
                _work.Add(PlaceAsync(fleet, http, partners[index % partners.Count], index, tag, ledger));
            }

            await TickAsync(fleet, http, partners, ledger, sampler);
        }

        await sampler.CloseAsync(_orders.Count, SoakPhase.Drain);
        var drainDeadline = ledger.Now + settings.DrainTimeout;
        while (ledger.Now < drainDeadline && !Drained(ledger))
        {
            await TickAsync(fleet, http, partners, ledger, sampler);
        }

        await Task.WhenAll(_work);
        var orders = _orders.ToList();
        var wall = (ledger.Now - start).TotalSeconds;
        var graceUntil = ledger.Now + TimeSpan.FromSeconds(60);
        while (ledger.Now < graceUntil && orders.Any(o => ChaosResult.MissingEvents(ledger, o).Any()))
        {
            await TickAsync(fleet, http, partners, ledger, sampler);
        }

        // Idle: nothing placed, nothing running; what the host alone asks of storage.
        var idleFrom = ledger.Now;
        var idleBefore = proxy.ByService;
        await sampler.CloseAsync(_orders.Count, SoakPhase.Idle);
        while (ledger.Now - idleFrom < settings.Idle)
        {
            await TickAsync(fleet, http, partners, ledger, sampler);
        }

        await sampler.CloseAsync(_orders.Count, SoakPhase.Idle);
        var idleSeconds = (ledger.Now - idleFrom).TotalSeconds;
        var idleRates = proxy.ByService.Select((n, i) => (n - idleBefore[i]) / idleSeconds).ToArray();
        var inspections = new Dictionary<string, SandboxRows>();
        foreach (var partner in partners)
        {
            inspections[partner.Id] = await SandboxOrders.InspectAsync(fleet, http, partner.Id);
        }

        var cancelled = orders
            .Select(o => o.Id)
            .Where(id => ledger.First("order.cancelled", id) is not null)
            .ToHashSet(StringComparer.Ordinal);
        var chaos = ChaosResult.From(null, orders, ledger, inspections, proxy, [], start, wall, fleet.LogTail(40), cancelled);
        return SoakResult.From(chaos, sampler.Samples, idleRates, orders, [.. _cancelAccepted.Keys], ledger, [.. _problems]) with
        {
            WarmupMinutes = settings.WarmupMinutes,
        };
    }

    private async Task PlaceAsync(
        HostFleet fleet,
        HttpClient http,
        SandboxOrders.Partner partner,
        int index,
        string tag,
        EventLedger ledger
    )
    {
        var count = _random.Next(settings.MinDomains, settings.MaxDomains + 1);
        var microsoft = _random.Next(0, count + 1);
        // Spread evenly (order i is cancelled when floor((i + 1) * share) steps up), not drawn: the cancellations, which
        // cost more storage requests than the orders' tail, then come at a steady rate and do not tilt the flatness.
        var cancel = Math.Floor((index + 1) * settings.CancelShare) > Math.Floor(index * settings.CancelShare);
        var domains = Enumerable.Range(0, count).Select(j => $"s{tag}{index}x{j}.com").ToArray();
        var posted = ledger.Now;
        try
        {
            var body = SandboxOrders.OrderBody(index, tag, domains, count - microsoft, microsoft);
            var id = await SandboxOrders.PostOrderAsync(fleet, http, partner, body);
            _orders.Enqueue(new PlacedOrder(id, partner.Id, domains, count - microsoft, microsoft, posted));
            _wantsCancel[id] = cancel;
        }
        catch (Exception ex) when (ex is InvalidOperationException or HttpRequestException or TaskCanceledException)
        {
            _problems.Enqueue($"order {index} not placed: {ex.Message}");
        }
    }

    /// <summary>Cancels the completed orders drawn for it, takes the minute's sample when due, and waits a little.</summary>
    private async Task TickAsync(
        HostFleet fleet,
        HttpClient http,
        List<SandboxOrders.Partner> partners,
        EventLedger ledger,
        SoakSampler sampler
    )
    {
        foreach (var order in _orders)
        {
            if (_wantsCancel.TryGetValue(order.Id, out var cancel) && cancel && ledger.First("order.completed", order.Id) is not null)
            {
                _wantsCancel[order.Id] = false;
                var partner = partners.First(p => p.Id == order.PartnerId);
                _work.Add(CancelAsync(fleet, http, partner, order.Id));
            }
        }

        await sampler.TickAsync(_orders.Count, ledger.Now);
        await Task.Delay(250);
    }

    private async Task CancelAsync(HostFleet fleet, HttpClient http, SandboxOrders.Partner partner, string orderId)
    {
        if (await SandboxOrders.CancelAsync(fleet, http, partner, orderId))
        {
            _cancelAccepted[orderId] = true;
        }
        else
        {
            _problems.Enqueue($"{orderId}: cancellation refused");
        }
    }

    /// <summary>Every order finished, every cancellation drawn was asked for and has finished.</summary>
    private bool Drained(EventLedger ledger) =>
        _work.All(t => t.IsCompleted)
        && _orders.All(o =>
            (ledger.First("order.completed", o.Id) is not null && !_wantsCancel.GetValueOrDefault(o.Id))
            || ledger.First("order.failed", o.Id) is not null
        )
        && _cancelAccepted.Keys.All(id => ledger.First("order.cancelled", id) is not null);
}
