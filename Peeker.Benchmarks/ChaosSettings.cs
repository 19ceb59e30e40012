using System.Globalization;
using Peeker.Shared;

namespace Peeker.Benchmarks;

/// <summary>
/// The knobs of one chaos, storage-fault or provider-fault run, from the command line. The three commands share the
/// harness and differ in their defaults:
/// <c>chaos</c> 50 orders on 3 hosts, a random host SIGKILLed every 5-10 s for 2 minutes and restarted;
/// <c>faults</c> 20 orders on 1 host behind a proxy failing 5 % of storage requests, Azurite restarted after 30 s;
/// <c>provider-faults</c> 50 orders on 1 host with the sandbox's fault words in a third of the domains.
/// </summary>
internal sealed record ChaosSettings
{
    public required string Command { get; init; }

    public int Orders { get; init; }

    public int Hosts { get; init; }

    public int MinDomains { get; init; } = 3;

    public int MaxDomains { get; init; } = 5;

    public int Seed { get; init; }

    /// <summary>How long hosts are being killed (from the first order posted).</summary>
    public TimeSpan Duration { get; init; }

    public (double Min, double Max) KillEvery { get; init; }

    /// <summary>At most this many kills (0: none).</summary>
    public int MaxKills { get; init; }

    /// <summary>Start a killed host again (else it stays down, as a scale-in).</summary>
    public bool Restart { get; init; } = true;

    public StorageFaults? Faults { get; init; }

    /// <summary>When (after the first order) Azurite is stopped and started again on its folder; null never.</summary>
    public TimeSpan? AzuriteRestartAt { get; init; }

    public TimeSpan AzuriteDowntime { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Azurite keeps its data in a folder (always so when it is restarted; the baseline of such a run too).</summary>
    public bool PersistAzurite { get; init; }

    /// <summary>Share of domains carrying one of the sandbox fault words.</summary>
    public double ProviderFaultShare { get; init; }

    /// <summary>How long to wait for every order to finish.</summary>
    public TimeSpan Timeout { get; init; }

    public SettingsProfile? Profile { get; init; }

    public static ChaosSettings Parse(string[] argv)
    {
        var args = new Args(argv);
        var command = argv[0];
        var seed = args.Integer("--seed", 42);
        var (orders, hosts, duration, kills, faultRate, azuriteAt, providerShare) = command switch
        {
            "chaos" => (50, 3, 120.0, int.MaxValue, 0.0, -1.0, 0.0),
            "faults" => (20, 1, 0.0, 0, 0.05, 30.0, 0.0),
            "provider-faults" => (50, 1, 0.0, 0, 0.0, -1.0, 0.33),
            _ => throw new ArgumentException($"unknown command {command}"),
        };
        var restartAt = args.Number("--azurite-restart-at", azuriteAt);
        var rate = args.Text("--fault-rate", faultRate.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return new ChaosSettings
        {
            Command = command,
            Orders = args.Integer("--orders", orders),
            Hosts = args.Integer("--hosts", hosts),
            MinDomains = (int)args.Range("--domains", 3, 5).Min,
            MaxDomains = (int)args.Range("--domains", 3, 5).Max,
            Seed = seed,
            Duration = TimeSpan.FromSeconds(args.Number("--duration", duration)),
            KillEvery = args.Range("--kill-every", 5, 10),
            MaxKills = args.Integer("--kills", kills),
            Restart = !args.Has("--no-restart"),
            Faults = rate is "0" or "0.0" ? null : StorageFaultArgs.Parse(args, faultRate, seed),
            AzuriteRestartAt = restartAt < 0 ? null : TimeSpan.FromSeconds(restartAt),
            AzuriteDowntime = TimeSpan.FromSeconds(args.Number("--azurite-downtime", 5)),
            ProviderFaultShare = args.Number("--provider-faults", providerShare),
            Timeout = TimeSpan.FromMinutes(args.Number("--timeout", 15)),
            Profile = args.Has("--set") ? SettingsProfile.Ours(argv) : null,
        };
    }

    /// <summary>The same run without any injected fault: the baseline the fault runs are compared with.</summary>
    public ChaosSettings FaultFree() =>
        this with
        {
            MaxKills = 0,
            Faults = null,
            AzuriteRestartAt = null,
            ProviderFaultShare = 0,
            PersistAzurite = PersistAzurite || AzuriteRestartAt is not null,
        };

    public string Describe() =>
        $"{Orders} orders of {MinDomains}-{MaxDomains} domains (mixed Google/Microsoft), {Hosts} host(s), seed {Seed}"
        + (
            MaxKills > 0 && Duration > TimeSpan.Zero
                ? $"; SIGKILL a random host every {KillEvery.Min}-{KillEvery.Max} s for {Duration.TotalSeconds:F0} s{(MaxKills < int.MaxValue ? $" (at most {MaxKills})" : "")}, {(Restart ? "restarted" : "not restarted")}"
                : ""
        )
        + (Faults is null ? "" : "; " + Faults.Describe())
        + (AzuriteRestartAt is { } at ? $"; Azurite restarted at {at.TotalSeconds:F0} s ({AzuriteDowntime.TotalSeconds:F0} s down)" : "")
        + (ProviderFaultShare > 0 ? $"; provider fault words in {ProviderFaultShare:P0} of domains" : "")
        + (Profile is null ? "" : "; " + Profile.Describe());
}

/// <summary>Reads the storage-fault knobs of a run from its command line.</summary>
internal static class StorageFaultArgs
{
    /// <summary>
    /// <c>--fault-rate 0.05</c> (every service) or <c>--fault-rate table=0.05,queue=0.02,blob=0</c>;
    /// <c>--fault-kinds busy,internal,timeout,drop-before,drop-after</c>; <c>--fault-timeout 5</c> (seconds).
    /// </summary>
    public static StorageFaults Parse(Args args, double defaultRate, int seed)
    {
        var rates = new double[3];
        var text = args.Text("--fault-rate", defaultRate.ToString(CultureInfo.InvariantCulture));
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var pair = part.Split('=', 2);
            if (pair.Length == 1)
            {
                Array.Fill(rates, double.Parse(pair[0], CultureInfo.InvariantCulture));
            }
            else
            {
                var service = Array.IndexOf(StorageFaults.ServiceNames, pair[0]);
                if (service < 0)
                {
                    throw new ArgumentException($"--fault-rate: unknown service '{pair[0]}' (table, queue, blob)");
                }

                rates[service] = double.Parse(pair[1], CultureInfo.InvariantCulture);
            }
        }

        var kinds = args.Text("--fault-kinds", "busy,internal,timeout,drop-before,drop-after")
            .Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(k => Enum.Parse<StorageFault>(k.Replace("-", string.Empty, StringComparison.Ordinal), ignoreCase: true))
            .ToArray();
        return new StorageFaults(rates, kinds, seed, TimeSpan.FromSeconds(args.Number("--fault-timeout", 5)));
    }
}
