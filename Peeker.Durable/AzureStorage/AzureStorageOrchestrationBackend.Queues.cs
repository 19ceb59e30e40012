using Azure;
using Azure.Storage.Queues.Models;
using Peeker.Durable.Backend;

namespace Peeker.Durable.AzureStorage;

/// <summary>Control-queue traffic: fetching, local delivery, re-armed timers, deletes, deferrals and abandons.</summary>
public sealed partial class AzureStorageOrchestrationBackend
{
    private async Task FetchLoopAsync(int partition, CancellationToken stop)
    {
        var queue = _control[partition];
        var delay = MinPollDelay;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                if (BufferedCount(partition) > 1000)
                {
                    await _orchestrationSignal.WaitAsync(TimeSpan.FromMilliseconds(100), stop);
                    continue;
                }

                var received = (await queue.ReceiveMessagesAsync(_options.ControlQueueBatchSize, _options.ControlQueueVisibilityTimeout, stop)).Value;
                if (received.Length == 0)
                {
                    await _controlSignals[partition].WaitAsync(delay, stop);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxQueuePollingInterval.Ticks));
                    continue;
                }

                delay = MinPollDelay;
                var accepted = await Task.WhenAll(received.Select(m => AcceptAsync(partition, m, stop)));
                lock (_gate)
                {
                    foreach (var message in accepted.OfType<Received>())
                    {
                        AddToSession(message);
                    }
                }

                _orchestrationSignal.Pulse();
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is RequestFailedException or IOException or HttpRequestException or TimeoutException)
            {
                LogFetchFailed(partition, ex);
                await Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None);
            }
        }
    }

    /// <summary>Decodes one received message, or handles it here (re-armed timer, poison) and returns null.</summary>
    private async Task<Received?> AcceptAsync(int partition, QueueMessage message, CancellationToken cancellationToken)
    {
        MessageEnvelope envelope;
        try
        {
            envelope = _codec.Peek(message.MessageText);
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidDataException)
        {
            await PoisonControlMessageAsync(_control[partition], message, null, $"Unreadable message: {ex.Message}");
            return null;
        }

        var now = _time.GetUtcNow().UtcDateTime;
        if (envelope.DueAt is { } due && due - now > MinPollDelay)
        {
            // Not due yet (a timer longer than the queue's visibility limit): re-arm it.
            var delay = due - now < _options.MaximumVisibilityDelay ? due - now : _options.MaximumVisibilityDelay;
            await TryAsync(() => _control[partition].UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: WholeSeconds(delay), cancellationToken: cancellationToken));
            return null;
        }

        if (message.DequeueCount > _options.MaxDequeueCount)
        {
            await PoisonControlMessageAsync(_control[partition], message, envelope, $"Dequeued {message.DequeueCount} times (maxDequeueCount {_options.MaxDequeueCount}).");
            return null;
        }


        try
        {
            var task = await _codec.DecodeAsync(envelope, cancellationToken);
            return new Received(task with { DequeueCount = (int)message.DequeueCount - 1 + envelope.Deferrals }, message.MessageId, message.PopReceipt, partition, envelope.Deferrals);
        }
        catch (Exception ex) when (ex is RequestFailedException or System.Text.Json.JsonException or InvalidDataException)
        {
            LogDecodeFailed(envelope.InstanceId, ex);
            await TryAsync(() => _control[partition].UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: Backoff(message.DequeueCount), cancellationToken: cancellationToken));
            return null;
        }
    }

    private void AddToSession(Received message)
    {
        var id = message.Message.InstanceId;
        if (!_sessions.TryGetValue(id, out var session))
        {
            session = new Session(id, message.Partition);
            _sessions[id] = session;
        }

        var same = session.Pending.FindIndex(m => m.Message.MessageId == message.Message.MessageId);
        if (same >= 0)
        {
            session.Pending[same] = message;
        }
        else
        {
            session.Pending.Add(message);
        }

        if (!session.Locked && !session.Queued)
        {
            session.Queued = true;
            _ready.Enqueue(session);
        }

        if (session.History is null && session.Prefetch is null && !session.Locked)
        {
            // Load the history now, off the poll loop, so new instances are loaded in parallel. A stale prefetch
            // cannot do harm: the sentinel ETag rejects a checkpoint built on it.
            session.Prefetch = LoadHistoryAsync(id, CancellationToken.None);
        }
    }

    private int BufferedCount(int partition)
    {
        lock (_gate)
        {
            return _sessions.Values.Where(s => s.Partition == partition).Sum(s => s.Pending.Count);
        }
    }

    private async Task SendOrchestratorMessageAsync(TaskMessage message, int deferrals, CancellationToken cancellationToken)
    {
        var partition = PartitionOf(message.InstanceId);
        var text = await _codec.EncodeAsync(message, deferrals, cancellationToken);
        var delay = message.VisibleAt is { } at ? at - _time.GetUtcNow().UtcDateTime : TimeSpan.Zero;
        delay = delay <= TimeSpan.Zero ? TimeSpan.Zero : delay < _options.MaximumVisibilityDelay ? delay : _options.MaximumVisibilityDelay;
        if (delay == TimeSpan.Zero && _partitions.TryGetEpoch(partition, out _) && BufferedCount(partition) < 1000)
        {
            // Local delivery: the partition is ours, so send the message already locked (invisible) and put it straight
            // into the session buffer. It is durable in the queue like any received message, but costs no receive.
            var receipt = (await _control[partition].SendMessageAsync(text, _options.ControlQueueVisibilityTimeout, TimeSpan.FromSeconds(-1), cancellationToken)).Value;
            lock (_gate)
            {
                AddToSession(new Received(message with { DequeueCount = 0 }, receipt.MessageId, receipt.PopReceipt, partition, deferrals));
            }

            _orchestrationSignal.Pulse();
            return;
        }

        await _control[partition].SendMessageAsync(text, WholeSeconds(delay), TimeSpan.FromSeconds(-1), cancellationToken);
        if (delay == TimeSpan.Zero)
        {
            _controlSignals[partition].Pulse();
        }
    }

    private async Task DeleteAsync(Received message)
    {
        try
        {
            await _control[message.Partition].DeleteMessageAsync(message.QueueMessageId, message.PopReceipt, CancellationToken.None);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 400)
        {
            // Already gone, or it reappeared and someone else holds it: the duplicate is harmless.
        }
    }

    /// <summary>Returns a message that cannot be processed yet: re-sent with a short delay so deferrals do not count as poison.</summary>
    private async Task DeferAsync(Received message)
    {
        await SendOrchestratorMessageAsync(message.Message with { VisibleAt = _time.GetUtcNow().UtcDateTime.AddSeconds(1), DequeueCount = 0 }, message.Deferrals + 1, CancellationToken.None);
        await DeleteAsync(message);
    }

    private Task AbandonMessagesAsync(IEnumerable<Received> messages) =>
        Task.WhenAll(messages.Select(m => UpdateVisibilityAsync(m, Backoff(m.Message.DequeueCount + 1))));

    private async Task UpdateVisibilityAsync(Received message, TimeSpan visibility) =>
        await TryAsync(() => _control[message.Partition].UpdateMessageAsync(message.QueueMessageId, message.PopReceipt, visibilityTimeout: visibility, cancellationToken: CancellationToken.None));

    /// <summary>Queue visibility has whole-second resolution: round up so a timer never surfaces early.</summary>
    private static TimeSpan WholeSeconds(TimeSpan delay) => TimeSpan.FromSeconds(Math.Ceiling(delay.TotalSeconds));

    private static TimeSpan Backoff(long dequeueCount) => TimeSpan.FromSeconds(Math.Min(Math.Pow(2, Math.Max(0, dequeueCount - 1)), 30));

    private async Task TryAsync(Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (RequestFailedException ex)
        {
            LogStorageCallFailed(ex.Status, ex.ErrorCode);
        }
    }
}
