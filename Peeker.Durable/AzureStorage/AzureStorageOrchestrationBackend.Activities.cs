using System.Diagnostics;
using Azure;
using Azure.Storage.Queues.Models;
using Peeker.Durable.Backend;
using Peeker.Durable.History;
using Peeker.Durable.Runtime;

namespace Peeker.Durable.AzureStorage;

/// <summary>The work-item queue: activities are competed for by every worker.</summary>
public sealed partial class AzureStorageOrchestrationBackend
{
    private const int ActivityBatchSize = 16;
    private const int LocalActivityLimit = 64;
    private readonly AsyncSignal _activitySignal = new();
    private readonly Queue<ActivityWorkItem> _activityBuffer = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<ActivityLock, byte> _runningActivities = new();
    private TimeSpan _activityDelay = MinPollDelay;

    public async Task<ActivityWorkItem?> LockNextActivityWorkItemAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            lock (_activityBuffer)
            {
                if (_activityBuffer.TryDequeue(out var buffered))
                {
                    _runningActivities[(ActivityLock)buffered.LockToken!] = 0;
                    _activityDelay = MinPollDelay;
                    return buffered;
                }
            }

            var received = (await _workItems.ReceiveMessagesAsync(ActivityBatchSize, _options.WorkItemQueueVisibilityTimeout, cancellationToken)).Value;
            if (received.Length > 0)
            {
                _activityDelay = MinPollDelay;
                var items = await Task.WhenAll(received.Select(m => AcceptActivityAsync(m, cancellationToken)));
                lock (_activityBuffer)
                {
                    foreach (var item in items.OfType<ActivityWorkItem>())
                    {
                        _activityBuffer.Enqueue(item);
                    }
                }

                continue;
            }

            lock (_activityBuffer)
            {
                if (_activityBuffer.Count > 0)
                {
                    // A local hand-off arrived during the receive: its pulse may have come before the wait below.
                    continue;
                }
            }

            var remaining = wait - clock.Elapsed;
            if (remaining <= TimeSpan.Zero)
            {
                return null;
            }

            await _activitySignal.WaitAsync(remaining < _activityDelay ? remaining : _activityDelay, cancellationToken);
            _activityDelay = TimeSpan.FromTicks(Math.Min(_activityDelay.Ticks * 2, _options.MaxQueuePollingInterval.Ticks));
        }
    }

    public async Task CompleteActivityWorkItemAsync(ActivityWorkItem workItem, TaskMessage response, CancellationToken cancellationToken)
    {
        var token = (ActivityLock)workItem.LockToken!;
        if (response.Event.Timestamp == default)
        {
            response = response with { Event = response.Event with { Timestamp = _time.GetUtcNow().UtcDateTime } };
        }

        await SendOrchestratorMessageAsync(response, 0, cancellationToken);
        Track(DeleteActivityMessageAsync(token));
    }

    private async Task DeleteActivityMessageAsync(ActivityLock token)
    {
        await token.Gate.WaitAsync(CancellationToken.None);
        try
        {
            token.Done = true;
            _runningActivities.TryRemove(token, out _);
            await _workItems.DeleteMessageAsync(token.QueueMessageId, token.PopReceipt, CancellationToken.None);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 400)
        {
            // The visibility timeout ran out and another worker took it: the duplicate result is dropped by the instance.
        }
        finally
        {
            token.Gate.Release();
        }
    }

    public async Task AbandonActivityWorkItemAsync(ActivityWorkItem workItem, CancellationToken cancellationToken)
    {
        var token = (ActivityLock)workItem.LockToken!;
        await token.Gate.WaitAsync(CancellationToken.None);
        try
        {
            token.Done = true;
            _runningActivities.TryRemove(token, out _);
            await TryAsync(() => _workItems.UpdateMessageAsync(token.QueueMessageId, token.PopReceipt, visibilityTimeout: TimeSpan.Zero, cancellationToken: cancellationToken));
        }
        finally
        {
            token.Gate.Release();
        }

        _activitySignal.Pulse();
    }

    private async Task SendActivityMessageAsync(TaskMessage message, CancellationToken cancellationToken)
    {
        var text = await _codec.EncodeAsync(message, 0, cancellationToken);
        int buffered;
        lock (_activityBuffer)
        {
            buffered = _activityBuffer.Count;
        }

        if (buffered < LocalActivityLimit && _stopping is { IsCancellationRequested: false })
        {
            // Local hand-off: sent already locked for this worker, run here without a receive. A crash makes it visible
            // to every worker after the visibility timeout.
            var receipt = (await _workItems.SendMessageAsync(text, _options.WorkItemQueueVisibilityTimeout, TimeSpan.FromSeconds(-1), cancellationToken)).Value;
            lock (_activityBuffer)
            {
                _activityBuffer.Enqueue(new ActivityWorkItem { Message = message with { DequeueCount = 0 }, LockToken = new ActivityLock(receipt.MessageId, receipt.PopReceipt, _time.GetUtcNow()) });
            }
        }
        else
        {
            await _workItems.SendMessageAsync(text, TimeSpan.Zero, TimeSpan.FromSeconds(-1), cancellationToken);
        }

        _activitySignal.Pulse();
    }

    private async Task<ActivityWorkItem?> AcceptActivityAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        MessageEnvelope? envelope = null;
        TaskMessage? task = null;
        string? problem = null;
        try
        {
            envelope = _codec.Peek(message.MessageText);
            task = await _codec.DecodeAsync(envelope, cancellationToken);
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidDataException or RequestFailedException)
        {
            problem = $"Unreadable activity message: {ex.Message}";
        }

        if (problem is null && message.DequeueCount <= _options.MaxDequeueCount)
        {
            return new ActivityWorkItem
            {
                Message = task! with { DequeueCount = (int)message.DequeueCount - 1 },
                LockToken = new ActivityLock(message.MessageId, message.PopReceipt, _time.GetUtcNow()),
            };
        }

        var reason = problem ?? $"Activity message dequeued {message.DequeueCount} times (maxDequeueCount {_options.MaxDequeueCount}).";
        await WritePoisonRowAsync(StorageNames.WorkItemQueue(_options.HubName), message, envelope?.InstanceId ?? task?.InstanceId, reason);
        if (task is not null)
        {
            // The instance sees a failed activity (it may retry or fail); nothing disappears silently.
            await SendOrchestratorMessageAsync(
                new TaskMessage
                {
                    MessageId = Guid.NewGuid().ToString("N"),
                    InstanceId = task.InstanceId,
                    ExecutionId = task.ExecutionId,
                    Event = new HistoryEvent
                    {
                        EventType = EventType.TaskFailed,
                        TaskScheduledId = task.Event.EventId,
                        Timestamp = _time.GetUtcNow().UtcDateTime,
                        FailureDetails = new TaskFailureDetails("PoisonMessage", reason, IsNonRetriable: true),
                    },
                },
                0,
                cancellationToken);
        }

        await TryAsync(() => _workItems.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken));
        return null;
    }

    private async Task ReturnBufferedActivitiesAsync()
    {
        List<ActivityWorkItem> items;
        lock (_activityBuffer)
        {
            items = [.. _activityBuffer];
            _activityBuffer.Clear();
        }

        await Task.WhenAll(items.Select(i => AbandonActivityWorkItemAsync(i, CancellationToken.None)));
    }

    /// <summary>
    /// Keeps running activities invisible: every in-flight activity message's visibility is extended when half of it
    /// is used up (DTFx renews activity locks the same way), and idle instance sessions are dropped from memory.
    /// </summary>
    private async Task MaintenanceLoopAsync(CancellationToken stop)
    {
        var visibility = _options.WorkItemQueueVisibilityTimeout;
        var tick = TimeSpan.FromTicks(Math.Clamp(visibility.Ticks / 4, TimeSpan.FromMilliseconds(500).Ticks, TimeSpan.FromSeconds(30).Ticks));
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(tick, _time, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var now = _time.GetUtcNow();
            foreach (var token in _runningActivities.Keys.Where(t => now - t.RenewedAt > visibility / 2).ToList())
            {
                await token.Gate.WaitAsync(CancellationToken.None);
                try
                {
                    if (!token.Done)
                    {
                        var receipt = await _workItems.UpdateMessageAsync(token.QueueMessageId, token.PopReceipt, visibilityTimeout: visibility, cancellationToken: CancellationToken.None);
                        token.PopReceipt = receipt.Value.PopReceipt;
                        token.RenewedAt = now;
                    }
                }
                catch (RequestFailedException ex)
                {
                    LogStorageCallFailed(ex.Status, ex.ErrorCode);
                    _runningActivities.TryRemove(token, out _);
                }
                finally
                {
                    token.Gate.Release();
                }
            }

            EvictIdleSessions(now);
        }
    }

    private sealed class ActivityLock(string queueMessageId, string popReceipt, DateTimeOffset renewedAt)
    {
        public string QueueMessageId { get; } = queueMessageId;

        public string PopReceipt { get; set; } = popReceipt;

        public DateTimeOffset RenewedAt { get; set; } = renewedAt;

        public bool Done { get; set; }

        public SemaphoreSlim Gate { get; } = new(1, 1);
    }
}
