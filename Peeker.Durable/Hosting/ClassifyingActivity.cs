using System.Diagnostics;
using Microsoft.DurableTask;
using Peeker.Durable.Retries;
using Peeker.Durable.Telemetry;

namespace Peeker.Durable.Hosting;

/// <summary>
/// Wraps an activity so that an exception saying a retry cannot help fails the task as
/// <see cref="NonRetriableTaskException"/> (message kept, original as inner failure), and records each execution's
/// duration and outcome in <see cref="DurableMetrics.ActivityDuration"/>.
/// </summary>
internal sealed class ClassifyingActivity(ITaskActivity inner) : ITaskActivity
{
    public Type InputType => inner.InputType;

    public Type OutputType => inner.OutputType;

    public async Task<object?> RunAsync(TaskActivityContext context, object? input)
    {
        ArgumentNullException.ThrowIfNull(context);
        var started = Stopwatch.GetTimestamp();
        var outcome = "failed";
        try
        {
            var result = await inner.RunAsync(context, input);
            outcome = "succeeded";
            return result;
        }
        catch (Exception ex) when (ex is IRetryClassified { IsRetryable: false })
        {
            outcome = "non_retriable";
            throw new NonRetriableTaskException(ex.Message, ex);
        }
        finally
        {
            DurableMetrics.ActivityDuration.Record(
                Stopwatch.GetElapsedTime(started).TotalSeconds,
                new KeyValuePair<string, object?>("activity", context.Name.Name),
                new KeyValuePair<string, object?>("outcome", outcome)
            );
        }
    }
}
