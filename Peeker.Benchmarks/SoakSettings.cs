namespace Peeker.Benchmarks;

/// <summary>
/// The knobs of a soak (issue 15 item 7): one host on a fresh Azurite behind the counting proxy, steady small orders
/// and cancellations for <see cref="Load"/>, then no orders for <see cref="Idle"/>.
/// </summary>
internal sealed record SoakSettings
{
    /// <summary>How long orders are placed.</summary>
    public TimeSpan Load { get; init; } = TimeSpan.FromMinutes(30);

    public double OrdersPerMinute { get; init; } = 4;

    /// <summary>Share of the completed orders that are then cancelled (whole order).</summary>
    public double CancelShare { get; init; } = 0.3;

    /// <summary>
    /// Load minutes left out of the flatness figures: the first orders complete, and the first cancellations run, only
    /// a minute or more after the start, so the opening minutes ramp up rather than show the steady state.
    /// </summary>
    public int WarmupMinutes { get; init; } = 5;

    /// <summary>The idle phase, once every order and cancellation has finished.</summary>
    public TimeSpan Idle { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Sandbox partners the orders are spread over (each has its own provider rate limits).</summary>
    public int Partners { get; init; } = 8;

    public int MinDomains { get; init; } = 1;

    public int MaxDomains { get; init; } = 2;

    public int Seed { get; init; } = 42;

    /// <summary><c>cancels_at</c> of a sandbox cancellation (<c>Peeker__SandboxCancellationDelay</c>).</summary>
    public TimeSpan CancellationDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long, after the last order was placed, to wait for orders and cancellations to finish.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromMinutes(15);

    public static SoakSettings Parse(string[] argv)
    {
        var args = new Args(argv);
        var domains = args.Range("--domains", 1, 2);
        return new SoakSettings
        {
            Load = TimeSpan.FromMinutes(args.Number("--minutes", 30)),
            OrdersPerMinute = args.Number("--orders-per-minute", 4),
            CancelShare = args.Number("--cancel-share", 0.3),
            Idle = TimeSpan.FromMinutes(args.Number("--idle-minutes", 2)),
            WarmupMinutes = args.Integer("--warmup-minutes", 5),
            Partners = args.Integer("--partners", 8),
            MinDomains = (int)domains.Min,
            MaxDomains = (int)domains.Max,
            Seed = args.Integer("--seed", 42),
            CancellationDelay = TimeSpan.FromSeconds(args.Number("--cancel-delay", 30)),
            DrainTimeout = TimeSpan.FromMinutes(args.Number("--timeout", 15)),
        };
    }

    public string Describe() =>
        $"{Load.TotalMinutes:F0} min of {OrdersPerMinute:F1} orders/min ({MinDomains}-{MaxDomains} domains, mixed Google/Microsoft, "
        + $"{Partners} partners), {CancelShare:P0} of the completed ones cancelled ({CancellationDelay.TotalSeconds:F0} s later), "
        + $"then {Idle.TotalMinutes:F0} min idle; 1 host, seed {Seed}; flatness judged after a {WarmupMinutes}-min warm-up";
}
