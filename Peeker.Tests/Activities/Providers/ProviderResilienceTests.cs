using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Time.Testing;
using Peeker.Activities.Providers;
using Polly;

namespace Peeker.Tests.Activities.Providers;

/// <summary>The shared pipeline's settings: what is retried, how long Retry-After is honoured, when it stops.</summary>
public sealed class ProviderResilienceTests
{
    private static readonly ProviderRetryOptions Fast = new()
    {
        MaxRetries = 3,
        BaseDelay = TimeSpan.FromMilliseconds(1),
        MaxRetryAfter = TimeSpan.FromSeconds(60),
    };

    private static ResiliencePipeline<HttpResponseMessage> Pipeline(ProviderRetryOptions options, TimeProvider? time = null)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage>();
        if (time is not null)
        {
            builder.TimeProvider = time;
        }

        ProviderResilience.Configure(builder, options);
        return builder.Build();
    }

    private static HttpResponseMessage Answer(HttpStatusCode status, HttpRequestMessage request, int? retryAfterSeconds = null)
    {
        var response = new HttpResponseMessage(status) { RequestMessage = request };
        if (retryAfterSeconds is { } seconds)
        {
            response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(seconds));
        }

        return response;
    }

    [Fact]
    public async Task Execute_Transient503ThenOk_RetriesUntilSuccess()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1/x");
        var calls = 0;

        using var response = await Pipeline(Fast)
            .ExecuteAsync(_ => ValueTask.FromResult(Answer(++calls < 3 ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.OK, request)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, calls);
    }

    [Fact]
    public async Task Execute_Always503_StopsAfterMaxRetries()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1/x");
        var calls = 0;

        using var response = await Pipeline(Fast)
            .ExecuteAsync(_ =>
            {
                calls++;
                return ValueTask.FromResult(Answer(HttpStatusCode.ServiceUnavailable, request));
            });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(4, calls);
    }

    [Fact]
    public async Task Execute_BadRequest_IsNotRetried()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1/x");
        var calls = 0;

        using var response = await Pipeline(Fast)
            .ExecuteAsync(_ =>
            {
                calls++;
                return ValueTask.FromResult(Answer(HttpStatusCode.BadRequest, request));
            });

        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task Execute_NotIdempotentPost_RetriesOnlyOn429()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://127.0.0.1/buy").MarkNotIdempotent();
        var calls503 = 0;
        var calls429 = 0;

        using var first = await Pipeline(Fast)
            .ExecuteAsync(_ =>
            {
                calls503++;
                return ValueTask.FromResult(Answer(HttpStatusCode.ServiceUnavailable, request));
            });
        using var second = await Pipeline(Fast)
            .ExecuteAsync(_ => ValueTask.FromResult(Answer(++calls429 == 1 ? HttpStatusCode.TooManyRequests : HttpStatusCode.OK, request)));

        Assert.Equal(1, calls503);
        Assert.Equal(2, calls429);
    }

    [Fact]
    public async Task Execute_RetryAfterBeyondBudget_IsLeftToTheDurableLayer()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1/x");
        var calls = 0;

        using var response = await Pipeline(Fast)
            .ExecuteAsync(_ =>
            {
                calls++;
                return ValueTask.FromResult(Answer(HttpStatusCode.TooManyRequests, request, 300));
            });

        Assert.Equal(1, calls);
        Assert.Equal(TimeSpan.FromSeconds(300), ProviderResilience.RetryAfterOf(response));
    }

    [Fact]
    public async Task Execute_429WithRetryAfter_WaitsExactlyThatLongOnTheTimeProvider()
    {
        var time = new FakeTimeProvider();
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1/x");
        var calls = 0;

        var running = Pipeline(Fast, time)
            .ExecuteAsync(_ => ValueTask.FromResult(Answer(++calls == 1 ? HttpStatusCode.TooManyRequests : HttpStatusCode.OK, request, 30)))
            .AsTask();
        await WaitForAsync(() => calls == 1);
        time.Advance(TimeSpan.FromSeconds(29));
        await Task.Delay(50);
        var before = running.IsCompleted;
        time.Advance(TimeSpan.FromSeconds(1));
        using var response = await running.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.False(before);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task Execute_SlowAttempts_TimeOutPerAttemptAndStopAfterTheRetries()
    {
        var options = new ProviderRetryOptions
        {
            MaxRetries = 1,
            BaseDelay = TimeSpan.FromMilliseconds(1),
            AttemptTimeout = TimeSpan.FromMilliseconds(100),
        };
        var calls = 0;

        await Assert.ThrowsAsync<Polly.Timeout.TimeoutRejectedException>(async () =>
            await Pipeline(options)
                .ExecuteAsync(async token =>
                {
                    calls++;
                    await Task.Delay(TimeSpan.FromSeconds(10), token);
                    return new HttpResponseMessage(HttpStatusCode.OK);
                })
        );

        Assert.Equal(2, calls);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(10);
        }
    }
}
