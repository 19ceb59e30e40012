using Microsoft.DurableTask;
using Moq;
using Peeker.Activities.Common;
using Peeker.Activities.Webhooks;
using Peeker.Functions.Orchestrations;

namespace Peeker.Tests.Functions.Webhooks;

/// <summary>
/// The orchestrator's timing decisions on a mocked context whose clock moves only when a timer fires: exact offsets
/// on the spec's schedule of hours, which the engine tests (real timers) can only run compressed.
/// </summary>
public sealed class DeliverWebhookOrchestratorTests
{
    private static readonly DateTime Start = new(2026, 5, 8, 12, 0, 0, DateTimeKind.Utc);
    private static readonly DeliverWebhookInput Input = new("evt_01JTRX5Q8M3K7V2N9C4B6D1F0Z", PeekerEnvironment.Test, "org_1");

    [Fact]
    public async Task Run_EveryAttemptFails_AttemptsAtTheSpecScheduleOnlyTheFifthFinal()
    {
        var context = new ScriptedContext(Failed(), Failed(), Failed(), Failed(), Failed());

        var result = await context.RunAsync(Input);

        Assert.Equal(new DeliverWebhookResult(DeliverWebhookOutcome.Failed, 5), result);
        Assert.Equal(DeliverWebhookOrchestrator.Schedule, context.Attempts.Select(a => a.At - Start));
        Assert.Equal([false, false, false, false, true], context.Attempts.Select(a => a.Input.IsLastAttempt));
        Assert.Equal([1, 2, 3, 4, 5], context.Attempts.Select(a => a.Input.Attempt));
    }

    [Fact]
    public async Task Run_InputCarriesASchedule_AttemptsAtItsOffsets()
    {
        TimeSpan[] schedule = [TimeSpan.Zero, TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1)];
        var context = new ScriptedContext(Failed(), Failed(), Failed());

        var result = await context.RunAsync(Input with { Schedule = schedule });

        Assert.Equal(new DeliverWebhookResult(DeliverWebhookOutcome.Failed, 3), result);
        Assert.Equal(schedule, context.Attempts.Select(a => a.At - Start));
        Assert.Equal([false, false, true], context.Attempts.Select(a => a.Input.IsLastAttempt));
    }

    [Fact]
    public async Task Run_RetryAfterLongerThanTheGap_NextAttemptAtTheRetryAfter()
    {
        var context = new ScriptedContext(Failed(retryAfterSeconds: 7200), Delivered());

        var result = await context.RunAsync(Input);

        Assert.Equal(new DeliverWebhookResult(DeliverWebhookOutcome.Delivered, 2), result);
        Assert.Equal([TimeSpan.Zero, TimeSpan.FromHours(2)], context.Attempts.Select(a => a.At - Start));
    }

    [Fact]
    public async Task Run_RetryAfterShorterThanTheGap_KeepsTheSchedule()
    {
        var context = new ScriptedContext(Failed(retryAfterSeconds: 60), Delivered());

        await context.RunAsync(Input);

        Assert.Equal([TimeSpan.Zero, TimeSpan.FromMinutes(5)], context.Attempts.Select(a => a.At - Start));
    }

    [Fact]
    public async Task Run_RetryAfterBeyondTheLastOffset_NextAttemptIsTheLastAtTheLastOffset()
    {
        var context = new ScriptedContext(Failed(retryAfterSeconds: 200_000), Failed());

        var result = await context.RunAsync(Input);

        Assert.Equal(new DeliverWebhookResult(DeliverWebhookOutcome.Failed, 2), result);
        Assert.Equal([TimeSpan.Zero, TimeSpan.FromHours(24)], context.Attempts.Select(a => a.At - Start));
        Assert.True(context.Attempts[1].Input.IsLastAttempt);
    }

    [Fact]
    public async Task Run_TimerFiresEarly_WaitsOutTheRestBeforeAttempting()
    {
        // Azure Storage delays queue messages in whole seconds: a timer message can become visible before its time.
        var context = new ScriptedContext(Failed(), Delivered()) { Early = TimeSpan.FromMilliseconds(700) };

        await context.RunAsync(Input);

        var due = Start.AddMinutes(5);
        Assert.Equal(due, context.Timers[0]);
        Assert.Equal(2, context.Timers.Count);
        Assert.True(context.Attempts[1].At >= due, $"the second attempt came at {context.Attempts[1].At:O}, before {due:O}");
    }

    [Fact]
    public async Task Run_SlowAttempts_StillMakeEveryAttemptOfTheSchedule()
    {
        TimeSpan[] schedule = [TimeSpan.Zero, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(30)];
        var context = new ScriptedContext(Failed(), Failed(), Failed(), Failed()) { AttemptTakes = TimeSpan.FromSeconds(15) };

        var result = await context.RunAsync(Input with { Schedule = schedule });

        Assert.Equal(new DeliverWebhookResult(DeliverWebhookOutcome.Failed, 4), result);
        Assert.Equal([false, false, false, true], context.Attempts.Select(a => a.Input.IsLastAttempt));
    }

    [Theory]
    [InlineData(null, 24 * 3600)]
    [InlineData(3, 3)]
    public async Task Run_NoEndpointThroughTheWindow_EndsNoEndpointWhenTheWindowEnds(int? windowSeconds, int expectedSeconds)
    {
        var context = new ScriptedContext(new PostWebhookResult(PostWebhookOutcome.NoEndpoint));
        var window = windowSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;

        var result = await context.RunAsync(Input with { EndpointWindow = window });

        Assert.Equal(new DeliverWebhookResult(DeliverWebhookOutcome.NoEndpoint, 0), result);
        Assert.Equal([Start.AddSeconds(expectedSeconds)], context.Timers);
    }

    private static PostWebhookResult Failed(int? retryAfterSeconds = null) => new(PostWebhookOutcome.Failed, 500, retryAfterSeconds);

    private static PostWebhookResult Delivered() => new(PostWebhookOutcome.Delivered, 200);

    /// <summary>
    /// A <see cref="TaskOrchestrationContext"/> whose <c>PostWebhook</c> calls answer from a script (moving the clock by
    /// <see cref="AttemptTakes"/>), whose timers fire at once (moving the clock to their time, or <see cref="Early"/>
    /// before it the first time) and on which no external event ever arrives.
    /// </summary>
    private sealed class ScriptedContext
    {
        private readonly Mock<TaskOrchestrationContext> _context = new() { CallBase = true };
        private readonly Queue<PostWebhookResult> _results;
        private DateTime _now = Start;
        private bool _firedEarly;

        public ScriptedContext(params PostWebhookResult[] results)
        {
            _results = new Queue<PostWebhookResult>(results);
            _context.SetupGet(c => c.CurrentUtcDateTime).Returns(() => _now);
            _context
                .Setup(c =>
                    c.CallActivityAsync<PostWebhookResult>(
                        It.Is<TaskName>(n => n.Name == nameof(PostWebhook)),
                        It.IsAny<object?>(),
                        It.IsAny<TaskOptions?>()
                    )
                )
                .Returns<TaskName, object?, TaskOptions?>(
                    (_, input, _) =>
                    {
                        Attempts.Add((_now, Assert.IsType<PostWebhookInput>(input)));
                        _now += AttemptTakes;
                        return Task.FromResult(_results.Dequeue());
                    }
                );
            _context
                .Setup(c => c.CreateTimer(It.IsAny<DateTime>(), It.IsAny<CancellationToken>()))
                .Returns<DateTime, CancellationToken>(
                    (fireAt, _) =>
                    {
                        Timers.Add(fireAt);
                        var early = !_firedEarly && Early > TimeSpan.Zero;
                        _firedEarly |= early;
                        _now = early ? fireAt - Early : fireAt;
                        return Task.CompletedTask;
                    }
                );
            _context
                .Setup(c => c.WaitForExternalEvent<bool>(WebhookTaskNames.DeliverNowEvent, It.IsAny<CancellationToken>()))
                .Returns<string, CancellationToken>(
                    (_, cancellation) =>
                    {
                        var never = new TaskCompletionSource<bool>();
                        cancellation.Register(() => never.TrySetCanceled(cancellation));
                        return never.Task;
                    }
                );
        }

        /// <summary>How much too early the first timer fires.</summary>
        public TimeSpan Early { get; init; }

        /// <summary>How far the clock moves during an attempt.</summary>
        public TimeSpan AttemptTakes { get; init; }

        public List<(DateTime At, PostWebhookInput Input)> Attempts { get; } = [];

        /// <summary>The fire times of the timers the orchestrator created, in order.</summary>
        public List<DateTime> Timers { get; } = [];

        public Task<DeliverWebhookResult> RunAsync(DeliverWebhookInput input) =>
            new DeliverWebhookOrchestrator().RunAsync(_context.Object, input);
    }
}
