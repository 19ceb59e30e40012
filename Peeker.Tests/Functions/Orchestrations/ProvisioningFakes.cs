using System.Collections.Concurrent;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Peeker.Activities.Common;
using Peeker.Activities.Provisioning;
using Peeker.Durable.Retries;
using Peeker.Functions.Orchestrations;
using Peeker.Tests.Durable.Support;

namespace Peeker.Tests.Functions.Orchestrations;

/// <summary>
/// Fake provisioning and cancellation activities that remember what they were asked to do, registered with the real
/// ProvisionOrder, ProvisionDomain and CancelOrder orchestrators.
/// </summary>
internal sealed class ProvisioningFakes(LoadOrderPlanResult plan)
{
    private int _zoneChecks;
    private int _zoneAttempts;
    private int _provisioningPolls;

    public ConcurrentQueue<string> EventQueue { get; } = new();

    public IReadOnlyList<string> Events => [.. EventQueue];

    /// <summary>Each order event as <c>{type}#{attempt}</c>.</summary>
    public ConcurrentQueue<string> EventAttempts { get; } = new();

    public ConcurrentBag<string> Bought { get; } = [];

    public ConcurrentBag<string> Tenants { get; } = [];

    public ConcurrentBag<string> PendingActions { get; } = [];

    public HashSet<string> Unavailable { get; } = [];

    public ConcurrentQueue<string> DeletedZoneQueue { get; } = new();

    public IReadOnlyList<string> DeletedZones => [.. DeletedZoneQueue];

    public ConcurrentQueue<string> Released { get; } = new();

    /// <summary>
    /// Every undo step in the order it ran: <c>sequencer:{domain}</c>, <c>inboxes:{domain}:{tenant}</c>, <c>zone:{domain}</c>,
    /// <c>licences:{google domains}:{tenant}</c>.
    /// </summary>
    public ConcurrentQueue<string> UndoQueue { get; } = new();

    public HashSet<string> BadPictureDomains { get; } = [];

    public Exception? ZoneError { get; init; }

    /// <summary>When set, <c>SetForwarding</c> throws it: the domain fails after its inboxes and Smartlead accounts exist.</summary>
    public Exception? ForwardingError { get; init; }

    public int ZonePendingPolls { get; init; }

    /// <summary>When set, each purchase waits (up to 10 s) until this many domains are in flight.</summary>
    private readonly InFlightGate _gate = new();

    public int HoldUntilInFlight
    {
        get => _gate.HoldUntil;
        init => _gate = new InFlightGate { HoldUntil = value };
    }

    /// <summary>How many times <c>AwaitProvisioning</c> answers "still running" before provisioning counts as settled.</summary>
    public int ProvisioningPolls
    {
        get => _provisioningPolls;
        init => _provisioningPolls = value;
    }

    public int ZoneChecks => _zoneChecks;

    public int ZoneAttempts => _zoneAttempts;

    /// <summary>The most domains between their purchase and <c>domain.connected</c> at once.</summary>
    public int MaxInFlight => _gate.Max;

    /// <summary>A plan of the test order <c>ord_test</c>: two inboxes per domain (one with a profile picture).</summary>
    public static LoadOrderPlanResult Plan(params (string Domain, MailProvider Provider)[] domains) =>
        new(
            "org_test",
            "client@example.com",
            domains.Count(d => d.Provider == MailProvider.Google) * 2 - 1,
            domains.Count(d => d.Provider == MailProvider.Microsoft),
            10,
            [
                .. domains.Select(
                    (d, i) =>
                        new PlannedDomain(
                            $"dom_{i}",
                            d.Domain,
                            d.Provider,
                            false,
                            "https://acme.example",
                            [
                                new PlannedInbox("sam", "Sam", "Lee", "https://pics.example/sam.png"),
                                new PlannedInbox("sam.lee", "Sam", "Lee", null),
                            ]
                        )
                ),
            ]
        );

    public Task<DurableTestHost> StartAsync(string connectionString) => DurableTestHost.StartAsync(connectionString, Register);

    /// <summary>Provisions <c>ord_test</c> (its retry <paramref name="attempt"/> when above 0) and returns how it ended (the orchestration itself must complete).</summary>
    public async Task<ProvisionOrderResult> RunAsync(DurableTestHost host, int attempt = 0)
    {
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(
            nameof(ProvisionOrderOrchestrator),
            new ProvisionOrderInput("ord_test", PeekerEnvironment.Test, attempt),
            new StartOrchestrationOptions(ProvisioningInstances.Order("ord_test", attempt))
        );
        var done = await host.WaitAsync(id);
        Assert.True(done.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{done.RuntimeStatus}: {done.FailureDetails}");
        return done.ReadOutputAs<ProvisionOrderResult>()!;
    }

    public void Register(DurableTaskRegistry r) =>
        r.AddOrchestrator<ProvisionOrderOrchestrator>()
            .AddOrchestrator<ProvisionDomainOrchestrator>()
            .AddOrchestrator<CancelOrderOrchestrator>()
            .AddActivityFunc<LoadOrderPlanInput, LoadOrderPlanResult>(nameof(LoadOrderPlan), (_, _) => Task.FromResult(plan))
            .AddActivityFunc<PublishOrderEventInput, PublishOrderEventResult>(
                nameof(PublishOrderEvent),
                (_, i) =>
                {
                    EventQueue.Enqueue(i.Type);
                    EventAttempts.Enqueue($"{i.Type}#{i.Attempt}");
                    return Task.FromResult(new PublishOrderEventResult("evt", i.Type));
                }
            )
            .AddActivityFunc<EnsureTenantInput, EnsureTenantResult>(
                nameof(EnsureGoogleTenant),
                (_, i) =>
                {
                    Tenants.Add($"google:{i.Licenses}");
                    return Task.FromResult(new EnsureTenantResult("C123", null, null));
                }
            )
            .AddActivityFunc<EnsureTenantInput, EnsureTenantResult>(
                nameof(EnsureMicrosoftTenant),
                (_, i) =>
                {
                    Tenants.Add($"microsoft:{i.Licenses}");
                    return Task.FromResult(new EnsureTenantResult("mc1", "tenant-1", "tenant1.onmicrosoft.com"));
                }
            )
            .AddActivityFunc<BuyDomainInput, BuyDomainResult>(
                nameof(BuyDomain),
                async (_, i) =>
                {
                    await _gate.EnterAsync();
                    if (Unavailable.Contains(i.Domain))
                    {
                        _gate.Exit();
                        return new BuyDomainResult(i.Domain, false, "Unavailable", "not_available");
                    }

                    Bought.Add(i.Domain);
                    return new BuyDomainResult(i.Domain, true, "Purchased", null);
                }
            )
            .AddActivityFunc<CreateZoneInput, CreateZoneResult>(
                nameof(CreateZone),
                (_, i) =>
                {
                    Interlocked.Increment(ref _zoneAttempts);
                    return ZoneError is { } error
                        ? throw error
                        : Task.FromResult(new CreateZoneResult($"zone-{i.Domain}", ["ns1.example", "ns2.example"]));
                }
            )
            .AddActivityFunc<SetNameserversInput, SetNameserversResult>(
                nameof(SetNameservers),
                (_, i) => Task.FromResult(new SetNameserversResult(i.Domain, i.Nameservers))
            )
            .AddActivityFunc<CheckZoneActiveInput, CheckZoneActiveResult>(
                nameof(CheckZoneActive),
                (_, i) =>
                    Interlocked.Increment(ref _zoneChecks) <= ZonePendingPolls
                        ? throw new NotReadyYetException("pending")
                        : Task.FromResult(new CheckZoneActiveResult(i.ZoneId, "active"))
            )
            .AddActivityFunc<WriteDnsRecordsInput, WriteDnsRecordsResult>(
                nameof(WriteDnsRecords),
                (_, i) => Task.FromResult(new WriteDnsRecordsResult(i.Domain, 4))
            )
            .AddActivityFunc<VerifyDomainInput, VerifyDomainResult>(
                nameof(VerifyDomain),
                (_, i) => Task.FromResult(new VerifyDomainResult(i.Domain, true))
            )
            .AddActivityFunc<CreateInboxInput, CreateInboxResult>(
                nameof(CreateInbox),
                (_, i) =>
                    Task.FromResult(
                        new CreateInboxResult(
                            $"{i.Inbox.LocalPart}@{i.Domain}",
                            "Sam Lee",
                            false,
                            BadPictureDomains.Contains(i.Domain) && i.Inbox.ProfilePictureUrl is not null
                                ? CreateInbox.PictureNotAccessible
                                : null
                        )
                    )
            )
            .AddActivityFunc<OpenPendingActionInput, OpenPendingActionResult>(
                nameof(OpenPendingAction),
                (_, i) =>
                {
                    PendingActions.Add(i.Email);
                    EventQueue.Enqueue("order.action_required");
                    return Task.FromResult(new OpenPendingActionResult("pa_1"));
                }
            )
            .AddActivityFunc<RegisterSequencerAccountInput, RegisterSequencerAccountResult>(
                nameof(RegisterSequencerAccount),
                (_, i) => Task.FromResult(new RegisterSequencerAccountResult(i.Email, 1))
            )
            .AddActivityFunc<SetForwardingInput, SetForwardingResult>(
                nameof(SetForwarding),
                (_, i) => ForwardingError is { } error ? throw error : Task.FromResult(new SetForwardingResult(i.Domain, i.Url))
            )
            .AddActivityFunc<MarkDomainConnectedInput, MarkDomainConnectedResult>(
                nameof(MarkDomainConnected),
                (_, i) =>
                {
                    _gate.Exit();
                    EventQueue.Enqueue($"domain.connected:{i.Domain}");
                    return Task.FromResult(new MarkDomainConnectedResult(i.Domain, "evt"));
                }
            )
            .AddActivityFunc<AwaitProvisioningInput, AwaitProvisioningResult>(
                nameof(AwaitProvisioning),
                (_, _) =>
                {
                    if (Interlocked.Decrement(ref _provisioningPolls) >= 0)
                    {
                        throw new NotReadyYetException("still provisioning");
                    }

                    UndoQueue.Enqueue("settled");
                    return Task.FromResult(new AwaitProvisioningResult("Completed"));
                }
            )
            .AddActivityFunc<DeleteInboxesInput, DeleteInboxesResult>(
                nameof(DeleteInboxes),
                (_, i) =>
                {
                    UndoQueue.Enqueue($"inboxes:{i.Domain.Domain}:{i.MicrosoftTenantId ?? "-"}");
                    return Task.FromResult(new DeleteInboxesResult(i.Domain.Domain, i.Domain.Inboxes.Count));
                }
            )
            .AddActivityFunc<DeleteSequencerAccountsInput, DeleteSequencerAccountsResult>(
                nameof(DeleteSequencerAccounts),
                (_, i) =>
                {
                    UndoQueue.Enqueue($"sequencer:{i.Domain.Domain}");
                    return Task.FromResult(new DeleteSequencerAccountsResult(i.Domain.Domain, i.Domain.Inboxes.Count));
                }
            )
            .AddActivityFunc<RevokeLicensesInput, RevokeLicensesResult>(
                nameof(RevokeLicenses),
                (_, i) =>
                {
                    UndoQueue.Enqueue($"licences:{string.Join(',', i.GoogleDomains)}:{i.MicrosoftTenantId ?? "-"}");
                    return Task.FromResult(new RevokeLicensesResult(i.GoogleDomains.Count, i.MicrosoftTenantId is null ? null : 0));
                }
            )
            .AddActivityFunc<DeleteZoneInput, DeleteZoneResult>(
                nameof(DeleteZone),
                (_, i) =>
                {
                    UndoQueue.Enqueue($"zone:{i.Domain}");
                    DeletedZoneQueue.Enqueue(i.Domain);
                    return Task.FromResult(new DeleteZoneResult(i.Domain, true));
                }
            )
            .AddActivityFunc<ReleaseDomainsInput, ReleaseDomainsResult>(
                nameof(ReleaseDomains),
                (_, i) =>
                {
                    foreach (var id in i.DomainIds)
                    {
                        Released.Enqueue(id);
                    }

                    return Task.FromResult(new ReleaseDomainsResult(i.DomainIds.Count, false));
                }
            );
}

/// <summary>A provider error a retry cannot fix.</summary>
internal sealed class PermanentError(string message) : Exception(message), IRetryClassified
{
    public bool IsRetryable => false;
}
