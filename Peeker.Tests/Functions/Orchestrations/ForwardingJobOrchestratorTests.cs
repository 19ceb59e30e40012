using System.Collections.Concurrent;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Moq;
using Peeker.Activities.Common;
using Peeker.Activities.Forwarding;
using Peeker.Activities.Provisioning;
using Peeker.Functions.Orchestrations;
using Peeker.Tests.Durable.Support;
using Peeker.Tests.Support;

namespace Peeker.Tests.Functions.Orchestrations;

/// <summary>ForwardingJob in the real engine (DTFx on Azurite) with fake activities; one decision on a mocked context.</summary>
public sealed class ForwardingJobOrchestratorTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly ForwardingJobRef Job = new("fwj_test", PeekerEnvironment.Test, "org_test");

    [Fact]
    public async Task NoDnsRefusedAndFlakyDomains_PartialSuccessWithReasons_TransientErrorRetriedPermanentNot()
    {
        var fakes = new Fakes(["a.com", "nodns.com", "broken.com", "flaky.com"]);

        var outcome = await fakes.RunAsync(azurite);

        Assert.Equal(new ForwardingJobOutcome("fwj_test", "partial_success", 2, 2), outcome);
        Assert.Equal(
            ["a.com:", "broken.com:internal_error", "flaky.com:", "nodns.com:dns_lookup_failed"],
            fakes.Recorded.Order(StringComparer.Ordinal)
        );
        Assert.Equal(2, fakes.AttemptsOf("flaky.com"));
        Assert.Equal(1, fakes.AttemptsOf("broken.com"));
    }

    /// <summary>
    /// On a mocked context: the provider's whole retry budget (minutes of durable timers) is too long for a test in
    /// the engine, so this checks the decision once the engine gives up: the call carried the provider retry policy,
    /// and its final failure is recorded as <c>internal_error</c> while the other domains go on.
    /// </summary>
    [Fact]
    public async Task ProviderStillFailingAfterItsRetries_RecordsInternalErrorAndTheOtherDomainsGoOn()
    {
        var context = new Mock<TaskOrchestrationContext>(MockBehavior.Strict);
        var recorded = new List<string>();
        var applyOptions = new List<TaskOptions?>();
        context
            .Setup(c =>
                c.CallActivityAsync<LoadForwardingJobResult>(nameof(LoadForwardingJob), It.IsAny<object?>(), It.IsAny<TaskOptions?>())
            )
            .ReturnsAsync(
                new LoadForwardingJobResult("https://acme.com", [new("dom_0", "a.com"), new("dom_1", "broken.com"), new("dom_2", "b.com")])
            );
        context
            .Setup(c =>
                c.CallActivityAsync<CheckForwardingTargetResult>(
                    nameof(CheckForwardingTarget),
                    It.IsAny<object?>(),
                    It.IsAny<TaskOptions?>()
                )
            )
            .ReturnsAsync(new CheckForwardingTargetResult(null));
        context
            .Setup(c => c.CallActivityAsync<ApplyForwardingResult>(nameof(ApplyForwarding), It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
            .Returns(
                (TaskName _, object? input, TaskOptions? options) =>
                {
                    applyOptions.Add(options);
                    var domain = ((ApplyForwardingInput)input!).Domain.Domain;
                    return domain == "broken.com"
                        ? Task.FromException<ApplyForwardingResult>(
                            new TaskFailedException(
                                nameof(ApplyForwarding),
                                4,
                                new TaskFailureDetails(
                                    typeof(InvalidOperationException).FullName!,
                                    "Cloudflare answered 503",
                                    null,
                                    null,
                                    null
                                )
                            )
                        )
                        : Task.FromResult(new ApplyForwardingResult(domain, null));
                }
            );
        context
            .Setup(c =>
                c.CallActivityAsync<RecordForwardingResultResult>(
                    nameof(RecordForwardingResult),
                    It.IsAny<object?>(),
                    It.IsAny<TaskOptions?>()
                )
            )
            .Returns(
                (TaskName _, object? input, TaskOptions? _) =>
                {
                    var record = (RecordForwardingResultInput)input!;
                    recorded.Add($"{record.Domain.Domain}:{record.Reason}");
                    return Task.FromResult(new RecordForwardingResultResult(record.Domain.Domain, "evt"));
                }
            );
        context
            .Setup(c =>
                c.CallActivityAsync<FinishForwardingJobResult>(nameof(FinishForwardingJob), It.IsAny<object?>(), It.IsAny<TaskOptions?>())
            )
            .ReturnsAsync(new FinishForwardingJobResult("partial_success", 2, 1));

        var outcome = await new ForwardingJobOrchestrator().RunAsync(context.Object, Job);

        Assert.Equal(["a.com:", "b.com:", "broken.com:internal_error"], recorded.Order(StringComparer.Ordinal));
        Assert.Equal(3, applyOptions.Count);
        Assert.All(applyOptions, o => Assert.Same(ProvisioningRetries.Provider, o));
        Assert.Equal(new ForwardingJobOutcome("fwj_test", "partial_success", 2, 1), outcome);
    }

    [Fact]
    public async Task BadTarget_EveryDomainFailsWithItsReason_NothingIsApplied()
    {
        var fakes = new Fakes(["a.com", "b.com"]) { TargetReason = ForwardingFailureReason.TargetUnreachable };

        var outcome = await fakes.RunAsync(azurite);

        Assert.Equal(new ForwardingJobOutcome("fwj_test", "failed", 0, 2), outcome);
        Assert.Equal(0, fakes.Applied);
        Assert.Equal(2, fakes.Recorded.Count);
        Assert.All(fakes.Recorded, r => Assert.EndsWith(":target_unreachable", r, StringComparison.Ordinal));
    }

    [Fact]
    public async Task MoreDomainsThanTheParallelism_FiveChangeAtOnceNeverMore()
    {
        // Each change waits until a full batch is in flight: changed one at a time, each waits in vain (10 s) and the count stays at one.
        var fakes = new Fakes([.. Enumerable.Range(0, 12).Select(i => $"d{i}.com")])
        {
            HoldUntilInFlight = ForwardingJobOrchestrator.Parallelism,
        };

        var outcome = await fakes.RunAsync(azurite);

        Assert.Equal(("completed", 12), (outcome.Status, outcome.CompletedCount));
        Assert.Equal(ForwardingJobOrchestrator.Parallelism, fakes.MaxInFlight);
        Assert.Equal(
            ForwardingJobOrchestrator.Parallelism,
            HistoryConcurrency.MaxOutstandingActivities(fakes.History, nameof(ApplyForwarding))
        );
    }

    private sealed class Fakes(string[] domains)
    {
        private readonly ConcurrentDictionary<string, int> _attempts = new();
        private int _applied;

        public ConcurrentQueue<string> Recorded { get; } = new();

        public string? TargetReason { get; init; }

        /// <summary>When set, each change waits (up to 10 s) until this many are in flight.</summary>
        private readonly InFlightGate _gate = new();

        public int HoldUntilInFlight
        {
            get => _gate.HoldUntil;
            init => _gate = new InFlightGate { HoldUntil = value };
        }

        public int Applied => _applied;

        public int MaxInFlight => _gate.Max;

        public IList<DurableTask.Core.History.HistoryEvent> History { get; private set; } = [];

        public int AttemptsOf(string domain) => _attempts.GetValueOrDefault(domain);

        public async Task<ForwardingJobOutcome> RunAsync(AzuriteFixture azurite)
        {
            await using var host = await DurableTestHost.StartAsync(azurite.ConnectionString, Register);
            var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(
                nameof(ForwardingJobOrchestrator),
                Job,
                new StartOrchestrationOptions(Job.JobId)
            );
            var done = await host.WaitAsync(id);
            Assert.True(done.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{done.RuntimeStatus}: {done.FailureDetails}");
            History = await host.Client.GetOrchestrationHistoryAsync(id);
            return done.ReadOutputAs<ForwardingJobOutcome>()!;
        }

        private void Register(DurableTaskRegistry r) =>
            r.AddOrchestrator<ForwardingJobOrchestrator>()
                .AddActivityFunc<ForwardingJobRef, LoadForwardingJobResult>(
                    nameof(LoadForwardingJob),
                    (_, _) =>
                        Task.FromResult(
                            new LoadForwardingJobResult(
                                "https://acme.com",
                                [.. domains.Select((d, i) => new ForwardingJobDomain($"dom_{i}", d))]
                            )
                        )
                )
                .AddActivityFunc<CheckForwardingTargetInput, CheckForwardingTargetResult>(
                    nameof(CheckForwardingTarget),
                    (_, _) => Task.FromResult(new CheckForwardingTargetResult(TargetReason))
                )
                .AddActivityFunc<ApplyForwardingInput, ApplyForwardingResult>(
                    nameof(ApplyForwarding),
                    async (_, i) =>
                    {
                        var attempt = _attempts.AddOrUpdate(i.Domain.Domain, 1, (_, n) => n + 1);
                        await _gate.EnterAsync();
                        _gate.Exit();
                        Interlocked.Increment(ref _applied);
                        return i.Domain.Domain switch
                        {
                            "broken.com" => throw new PermanentError("Cloudflare answered 403"),
                            "flaky.com" when attempt == 1 => throw new InvalidOperationException("Cloudflare answered 503"),
                            "nodns.com" => new ApplyForwardingResult(i.Domain.Domain, ForwardingFailureReason.DnsLookupFailed),
                            _ => new ApplyForwardingResult(i.Domain.Domain, null),
                        };
                    }
                )
                .AddActivityFunc<RecordForwardingResultInput, RecordForwardingResultResult>(
                    nameof(RecordForwardingResult),
                    (_, i) =>
                    {
                        Recorded.Enqueue($"{i.Domain.Domain}:{i.Reason}");
                        return Task.FromResult(new RecordForwardingResultResult(i.Domain.Domain, "evt"));
                    }
                )
                .AddActivityFunc<ForwardingJobRef, FinishForwardingJobResult>(
                    nameof(FinishForwardingJob),
                    (_, _) =>
                    {
                        var failed = Recorded.Count(r => !r.EndsWith(':'));
                        var completed = Recorded.Count - failed;
                        return Task.FromResult(new FinishForwardingJobResult(ForwardingJobStatus.Of(completed, failed), completed, failed));
                    }
                );
    }
}
