using System.Collections.Concurrent;
using Peeker.Activities.Forwarding;
using Peeker.Activities.Providers;
using Peeker.Durable;
using Peeker.Durable.Hosting;
using Peeker.Functions.Orchestrations;
using Peeker.Tests.Durable.Support;

namespace Peeker.Tests.Functions.Orchestrations;

/// <summary>ForwardingJob in the real engine (in memory, fake clock) with fake activities.</summary>
public sealed class ForwardingJobOrchestratorTests
{
    private static readonly ForwardingJobRef Job = new("fwj_test", PeekerEnvironment.Test, "org_test");

    [Fact]
    public async Task OneDomainWithoutDnsAndOneWhoseProviderKeepsFailing_PartialSuccessWithReasons()
    {
        var fakes = new Fakes(["a.com", "nodns.com", "broken.com", "b.com"]);

        var outcome = await fakes.RunAsync();

        Assert.Equal(new ForwardingJobOutcome("fwj_test", "partial_success", 2, 2), outcome);
        Assert.Equal(["a.com:", "b.com:", "broken.com:internal_error", "nodns.com:dns_lookup_failed"], fakes.Recorded.Order(StringComparer.Ordinal));
        Assert.True(fakes.BrokenAttempts > 1, "a retryable provider error is retried before the domain is recorded as failed");
    }

    [Fact]
    public async Task BadTarget_EveryDomainFailsWithItsReason_NothingIsApplied()
    {
        var fakes = new Fakes(["a.com", "b.com"]) { TargetReason = ForwardingFailureReason.TargetUnreachable };

        var outcome = await fakes.RunAsync();

        Assert.Equal(new ForwardingJobOutcome("fwj_test", "failed", 0, 2), outcome);
        Assert.Equal(0, fakes.Applied);
        Assert.All(fakes.Recorded, r => Assert.EndsWith(":target_unreachable", r, StringComparison.Ordinal));
    }

    [Fact]
    public async Task MoreDomainsThanTheParallelism_AtMostFiveChangeAtOnce()
    {
        var fakes = new Fakes([.. Enumerable.Range(0, 12).Select(i => $"d{i}.com")]);

        var outcome = await fakes.RunAsync();

        Assert.Equal(("completed", 12), (outcome.Status, outcome.CompletedCount));
        Assert.InRange(fakes.MaxInFlight, 1, ForwardingJobOrchestrator.Parallelism);
    }

    private sealed class Fakes(string[] domains)
    {
        private int _inFlight;
        private int _maxInFlight;
        private int _applied;
        private int _brokenAttempts;

        public ConcurrentQueue<string> Recorded { get; } = new();

        public string? TargetReason { get; init; }

        public int Applied => _applied;

        public int BrokenAttempts => _brokenAttempts;

        public int MaxInFlight => _maxInFlight;

        public async Task<ForwardingJobOutcome> RunAsync()
        {
            await using var host = await DurableTestHost.StartInMemoryAsync(Register);
            var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(ForwardingJobOrchestrator), Job, new StartOrchestrationOptions(Job.JobId));
            var done = await host.WaitAsync(id);
            Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
            return done.ReadOutputAs<ForwardingJobOutcome>()!;
        }

        private void Register(DurableTaskRegistry r) => r
            .AddOrchestrator<ForwardingJobOrchestrator>()
            .AddActivityFunc<ForwardingJobRef, LoadForwardingJobResult>(nameof(LoadForwardingJob), (_, _) =>
                Task.FromResult(new LoadForwardingJobResult("https://acme.com", [.. domains.Select((d, i) => new ForwardingJobDomain($"dom_{i}", d))])))
            .AddActivityFunc<CheckForwardingTargetInput, CheckForwardingTargetResult>(nameof(CheckForwardingTarget), (_, _) => Task.FromResult(new CheckForwardingTargetResult(TargetReason)))
            .AddActivityFunc<ApplyForwardingInput, ApplyForwardingResult>(nameof(ApplyForwarding), async (_, i) =>
            {
                var now = Interlocked.Increment(ref _inFlight);
                InterlockedMax(ref _maxInFlight, now);
                await Task.Delay(20);
                Interlocked.Decrement(ref _inFlight);
                Interlocked.Increment(ref _applied);
                if (i.Domain.Domain == "broken.com")
                {
                    Interlocked.Increment(ref _brokenAttempts);
                    throw new InvalidOperationException("Cloudflare answered 503");
                }

                return new ApplyForwardingResult(i.Domain.Domain, i.Domain.Domain == "nodns.com" ? ForwardingFailureReason.DnsLookupFailed : null);
            })
            .AddActivityFunc<RecordForwardingResultInput, RecordForwardingResultResult>(nameof(RecordForwardingResult), (_, i) =>
            {
                Recorded.Enqueue($"{i.Domain.Domain}:{i.Reason}");
                return Task.FromResult(new RecordForwardingResultResult(i.Domain.Domain, "evt"));
            })
            .AddActivityFunc<ForwardingJobRef, FinishForwardingJobResult>(nameof(FinishForwardingJob), (_, _) =>
            {
                var failed = Recorded.Count(r => !r.EndsWith(':'));
                var completed = Recorded.Count - failed;
                return Task.FromResult(new FinishForwardingJobResult(ForwardingJobStatus.Of(completed, failed), completed, failed));
            });

        private static void InterlockedMax(ref int target, int value)
        {
            int current;
            while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
            {
            }
        }
    }
}
