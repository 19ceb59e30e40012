using System.Collections.Concurrent;
using Peeker.Activities.Common;
using Peeker.Activities.Orders;

namespace Peeker.Tests.Functions.PartnerApi;

/// <summary>Records what the API asked the engine to start; can be told to fail.</summary>
public sealed class RecordingWorkflows : IOrderWorkflows
{
    public ConcurrentQueue<(PeekerEnvironment Env, string OrderId)> Provisioned { get; } = new();

    public ConcurrentQueue<(
        PeekerEnvironment Env,
        string OrderId,
        IReadOnlyList<string>? Domains,
        DateTimeOffset CancelsAt
    )> Cancellations { get; } = new();

    private volatile bool _failNextStart;

    public bool FailNextStart
    {
        get => _failNextStart;
        set => _failNextStart = value;
    }

    public Task StartProvisioningAsync(PeekerEnvironment env, string orderId, CancellationToken cancellationToken)
    {
        if (FailNextStart)
        {
            FailNextStart = false;
            throw new InvalidOperationException("engine unavailable");
        }

        Provisioned.Enqueue((env, orderId));
        return Task.CompletedTask;
    }

    public ConcurrentQueue<(PeekerEnvironment Env, string OrderId, int Attempt)> Retries { get; } = new();

    public Task StartProvisioningRetryAsync(PeekerEnvironment env, string orderId, int attempt, CancellationToken cancellationToken)
    {
        if (FailNextStart)
        {
            FailNextStart = false;
            throw new InvalidOperationException("engine unavailable");
        }

        Retries.Enqueue((env, orderId, attempt));
        return Task.CompletedTask;
    }

    public ConcurrentQueue<(PeekerEnvironment Env, string PartnerId, string JobId)> ForwardingJobs { get; } = new();

    public ConcurrentQueue<(PeekerEnvironment Env, string PartnerId, string ImportId)> Imports { get; } = new();

    public Task StartImportAsync(PeekerEnvironment env, string partnerId, string importId, CancellationToken cancellationToken)
    {
        Imports.Enqueue((env, partnerId, importId));
        return Task.CompletedTask;
    }

    public Task StartForwardingJobAsync(PeekerEnvironment env, string partnerId, string jobId, CancellationToken cancellationToken)
    {
        ForwardingJobs.Enqueue((env, partnerId, jobId));
        return Task.CompletedTask;
    }

    public ConcurrentQueue<(PeekerEnvironment Env, string PartnerId, string ActionId)> ActionChecks { get; } = new();

    public ConcurrentQueue<(PeekerEnvironment Env, string PartnerId, string ActionId)> ActionFixes { get; } = new();

    public ConcurrentQueue<(PeekerEnvironment Env, string OrderId, int Attempt)> Renewals { get; } = new();

    public ConcurrentQueue<(PeekerEnvironment Env, string PartnerId, string SwapId)> Swaps { get; } = new();

    public Task StartPendingActionCheckAsync(PeekerEnvironment env, string partnerId, string actionId, CancellationToken cancellationToken)
    {
        ActionChecks.Enqueue((env, partnerId, actionId));
        return Task.CompletedTask;
    }

    public Task NotifyPendingActionFixAsync(PeekerEnvironment env, string partnerId, string actionId, CancellationToken cancellationToken)
    {
        ActionFixes.Enqueue((env, partnerId, actionId));
        return Task.CompletedTask;
    }

    public Task StartRenewalsAsync(PeekerEnvironment env, string orderId, int attempt, CancellationToken cancellationToken)
    {
        Renewals.Enqueue((env, orderId, attempt));
        return Task.CompletedTask;
    }

    public Task StartSwapAsync(PeekerEnvironment env, string partnerId, string swapId, CancellationToken cancellationToken)
    {
        if (FailNextStart)
        {
            FailNextStart = false;
            throw new InvalidOperationException("engine unavailable");
        }

        Swaps.Enqueue((env, partnerId, swapId));
        return Task.CompletedTask;
    }

    public Task ScheduleCancellationAsync(
        PeekerEnvironment env,
        string orderId,
        IReadOnlyList<string>? domains,
        DateTimeOffset cancelsAt,
        CancellationToken cancellationToken
    )
    {
        Cancellations.Enqueue((env, orderId, domains, cancelsAt));
        return Task.CompletedTask;
    }
}
