using System.Collections.Concurrent;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Peeker.Activities.Common;
using Peeker.Activities.Imports;
using Peeker.Functions.Orchestrations;
using Peeker.Tests.Durable.Support;
using Peeker.Tests.Support;

namespace Peeker.Tests.Functions.Orchestrations;

/// <summary>
/// ImportDomains in the real engine (DTFx on Azurite) with fake activities. Durable timers take real time, so the
/// nameserver waiting time comes from the fake import (an hour, or five seconds, the first poll interval and the
/// shortest a retry policy accepts, where it must run out).
/// </summary>
public sealed class ImportDomainsOrchestratorTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly ImportRef Import = new("imp_test", PeekerEnvironment.Test, "org_test");

    [Fact]
    public async Task AllSwitchAtTheFirstCheck_CompletesWithoutAskingForAction()
    {
        var fakes = new Fakes(["a.com", "b.com"]);

        var outcome = await fakes.RunAsync(azurite);

        Assert.Equal(("completed", 2, 0), (outcome.Status, outcome.Completed, outcome.Failed));
        Assert.Equal(["domain_import.completed"], fakes.Events);
    }

    [Fact]
    public async Task OneSwitchesLate_ActionRequiredOnceThenCompleted()
    {
        // Pending at the first check and at the first durable poll; switched at the poll after the retry timer.
        var fakes = new Fakes(["a.com", "late.com"]) { PendingChecks = { ["late.com"] = 2 } };

        var outcome = await fakes.RunAsync(azurite);

        Assert.Equal(("completed", 2, 0), (outcome.Status, outcome.Completed, outcome.Failed));
        Assert.Equal(["domain_import.action_required", "domain_import.completed"], fakes.Events);
    }

    [Fact]
    public async Task NeverSwitched_FailsAfterTheWaitingTime_ZoneErrorsFailWithInternalError()
    {
        var fakes = new Fakes(["never.com", "broken.com"])
        {
            PendingChecks = { ["never.com"] = int.MaxValue },
            NameserverTimeout = TimeSpan.FromSeconds(5),
        };

        var outcome = await fakes.RunAsync(azurite);

        Assert.Equal(("failed", 0, 2), (outcome.Status, outcome.Completed, outcome.Failed));
        Assert.Equal(["domain_import.action_required", "domain_import.failed"], fakes.Events);
        Assert.Equal(["broken.com:internal_error", "never.com:nameservers_not_switched"], fakes.Failures.Order(StringComparer.Ordinal));
        Assert.True(fakes.PendingPolls >= 2, $"checked {fakes.PendingPolls} time(s) before giving up");
    }

    private sealed class Fakes(string[] domains)
    {
        private readonly ConcurrentDictionary<string, bool> _completed = new();
        private int _pendingPolls;

        public Dictionary<string, int> PendingChecks { get; } = [];

        public ConcurrentQueue<string> EventQueue { get; } = new();

        public IReadOnlyList<string> Events => [.. EventQueue];

        public List<string> Failures { get; } = [];

        public TimeSpan NameserverTimeout { get; init; } = TimeSpan.FromHours(1);

        /// <summary>Checks that found a domain still pending, the first check included.</summary>
        public int PendingPolls => _pendingPolls;

        public async Task<ImportDomainsOutcome> RunAsync(AzuriteFixture azurite)
        {
            await using var host = await DurableTestHost.StartAsync(azurite.ConnectionString, Register);
            var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(
                nameof(ImportDomainsOrchestrator),
                Import,
                new StartOrchestrationOptions(Import.ImportId)
            );
            var done = await host.WaitAsync(id);
            Assert.True(done.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{done.RuntimeStatus}: {done.FailureDetails}");
            return done.ReadOutputAs<ImportDomainsOutcome>()!;
        }

        private void Register(DurableTaskRegistry r) =>
            r.AddOrchestrator<ImportDomainsOrchestrator>()
                .AddActivityFunc<ImportRef, LoadDomainImportResult>(
                    nameof(LoadDomainImport),
                    (_, _) => Task.FromResult(new LoadDomainImportResult(domains, NameserverTimeout))
                )
                .AddActivityFunc<CreateImportZoneInput, ImportZone>(
                    nameof(CreateImportZone),
                    (_, i) =>
                        i.Domain == "broken.com"
                            ? throw new PermanentError("Cloudflare refused the zone")
                            : Task.FromResult(new ImportZone(i.Domain, "zone-" + i.Domain))
                )
                .AddActivityFunc<CheckImportZonesInput, CheckImportZonesResult>(
                    nameof(CheckImportZones),
                    (_, i) =>
                    {
                        var pending = new List<string>();
                        foreach (var zone in i.Zones.Where(z => !_completed.ContainsKey(z.Domain)))
                        {
                            lock (PendingChecks)
                            {
                                if (PendingChecks.TryGetValue(zone.Domain, out var left) && left > 0)
                                {
                                    PendingChecks[zone.Domain] = left == int.MaxValue ? left : left - 1;
                                    pending.Add(zone.Domain);
                                    continue;
                                }
                            }

                            _completed[zone.Domain] = true;
                        }

                        if (pending.Count > 0)
                        {
                            Interlocked.Increment(ref _pendingPolls);
                        }

                        return i.ThrowWhilePending && pending.Count > 0
                            ? throw new Peeker.Activities.Provisioning.NotReadyYetException("pending")
                            : Task.FromResult(new CheckImportZonesResult(pending));
                    }
                )
                .AddActivityFunc<FinishDomainImportInput, FinishDomainImportResult>(
                    nameof(FinishDomainImport),
                    (_, i) =>
                    {
                        foreach (var domain in domains.Where(d => !_completed.ContainsKey(d)))
                        {
                            Failures.Add($"{domain}:{(i.Errored.Contains(domain) ? "internal_error" : i.PendingReason)}");
                        }

                        var completed = _completed.Count;
                        return Task.FromResult(
                            new FinishDomainImportResult(completed > 0 ? "completed" : "failed", completed, domains.Length - completed)
                        );
                    }
                )
                .AddActivityFunc<PublishImportEventInput, PublishImportEventResult>(
                    nameof(PublishImportEvent),
                    (_, i) =>
                    {
                        EventQueue.Enqueue(i.Type);
                        return Task.FromResult(new PublishImportEventResult("evt"));
                    }
                );
    }
}
