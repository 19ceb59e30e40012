using Microsoft.DurableTask;
using Peeker.Durable.Retries;

namespace Peeker.Durable.Hosting;

/// <summary>
/// Wraps an activity so that an exception saying a retry cannot help fails the task as
/// <see cref="NonRetriableTaskException"/> (message kept, original as inner failure).
/// </summary>
internal sealed class ClassifyingActivity(ITaskActivity inner) : ITaskActivity
{
    public Type InputType => inner.InputType;

    public Type OutputType => inner.OutputType;

    public async Task<object?> RunAsync(TaskActivityContext context, object? input)
    {
        try
        {
            return await inner.RunAsync(context, input);
        }
        catch (Exception ex) when (ex is IRetryClassified { IsRetryable: false })
        {
            throw new NonRetriableTaskException(ex.Message, ex);
        }
    }
}
