using Microsoft.Extensions.DependencyInjection;

namespace Peeker.Durable.Hosting;

/// <summary>
/// The orchestrators and activities a worker can run, by name. Names are persisted contracts: register by type
/// (the type's name, as <c>nameof</c> gives it) and never rename a type that running instances use.
/// </summary>
public sealed class DurableTaskRegistry
{
    private readonly Dictionary<string, Func<IServiceProvider, ITaskOrchestrator>> _orchestrators = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Func<IServiceProvider, ITaskActivity>> _activities = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Registered orchestrator names.</summary>
    public IReadOnlyCollection<string> OrchestratorNames => _orchestrators.Keys;

    /// <summary>Registered activity names.</summary>
    public IReadOnlyCollection<string> ActivityNames => _activities.Keys;

    /// <summary>Registers <typeparamref name="T"/> under its type name; created per execution through DI.</summary>
    public DurableTaskRegistry AddOrchestrator<T>()
        where T : class, ITaskOrchestrator => AddOrchestrator(typeof(T).Name, sp => ActivatorUtilities.CreateInstance<T>(sp));

    /// <summary>Registers an orchestrator factory under <paramref name="name"/>.</summary>
    public DurableTaskRegistry AddOrchestrator(string name, Func<IServiceProvider, ITaskOrchestrator> factory)
    {
        if (!_orchestrators.TryAdd(name, factory))
        {
            throw new InvalidOperationException($"An orchestrator named '{name}' is already registered.");
        }

        return this;
    }

    /// <summary>Registers a function as an orchestrator.</summary>
    public DurableTaskRegistry AddOrchestratorFunc<TInput, TOutput>(string name, Func<TaskOrchestrationContext, TInput, Task<TOutput>> run) =>
        AddOrchestrator(name, _ => new FuncOrchestrator<TInput, TOutput>(run));

    /// <summary>Registers <typeparamref name="T"/> under its type name; created per invocation through DI.</summary>
    public DurableTaskRegistry AddActivity<T>()
        where T : class, ITaskActivity => AddActivity(typeof(T).Name, sp => ActivatorUtilities.CreateInstance<T>(sp));

    /// <summary>Registers an activity factory under <paramref name="name"/>.</summary>
    public DurableTaskRegistry AddActivity(string name, Func<IServiceProvider, ITaskActivity> factory)
    {
        if (!_activities.TryAdd(name, factory))
        {
            throw new InvalidOperationException($"An activity named '{name}' is already registered.");
        }

        return this;
    }

    /// <summary>Registers a function as an activity.</summary>
    public DurableTaskRegistry AddActivityFunc<TInput, TOutput>(string name, Func<TaskActivityContext, TInput, Task<TOutput>> run) =>
        AddActivity(name, _ => new FuncActivity<TInput, TOutput>(run));

    internal ITaskOrchestrator? CreateOrchestrator(string name, IServiceProvider services) =>
        _orchestrators.TryGetValue(name, out var factory) ? factory(services) : null;

    internal ITaskActivity? CreateActivity(string name, IServiceProvider services) =>
        _activities.TryGetValue(name, out var factory) ? factory(services) : null;

    private sealed class FuncOrchestrator<TInput, TOutput>(Func<TaskOrchestrationContext, TInput, Task<TOutput>> run) : TaskOrchestrator<TInput, TOutput>
    {
        public override Task<TOutput> RunAsync(TaskOrchestrationContext context, TInput input) => run(context, input);
    }

    private sealed class FuncActivity<TInput, TOutput>(Func<TaskActivityContext, TInput, Task<TOutput>> run) : TaskActivity<TInput, TOutput>
    {
        public override Task<TOutput> RunAsync(TaskActivityContext context, TInput input) => run(context, input);
    }
}
