using Peeker.Benchmarks;

// dotnet run -c Release --project Peeker.Benchmarks                    -> every scenario, ours vs Durable Functions' defaults (one table)
//   options: --quick (smoke run), --only fanout100,fanout1000,chain,batch,idle,order,orders, --set storageProvider:partitionCount=2 (ours)
// dotnet run -c Release --project Peeker.Benchmarks -- --order          -> a 19-domain sandbox order through the host process (3 runs)
// dotnet run -c Release --project Peeker.Benchmarks -- --orders 20      -> 20 such orders posted at once (orders/minute)
// dotnet run --project Peeker.Benchmarks -- --record-histories <dir>     -> records orchestration histories for the replay tests
// dotnet run -c Release --project Peeker.Benchmarks -- load             -> open-loop Partner API load (availability, orders), p50/p95/p99 per rate
//   options: --rates 25,50,100,200, --seconds 10
// dotnet run -c Release --project Peeker.Benchmarks -- chaos            -> 50 orders on 3 hosts, a random host SIGKILLed every 5-10 s for 2 min
// dotnet run -c Release --project Peeker.Benchmarks -- faults           -> 20 orders behind a proxy failing 5 % of storage requests, Azurite restarted
// dotnet run -c Release --project Peeker.Benchmarks -- provider-faults  -> 50 orders with the sandbox fault words in a third of the domains
//   options: --orders, --hosts, --domains 3-5, --duration 120, --kill-every 5-10, --kills N, --no-restart, --seed,
//            --fault-rate 0.05|table=..,queue=..,blob=.., --fault-kinds busy,internal,timeout,drop-before,drop-after,
//            --fault-timeout 5, --azurite-restart-at 30 (-1 never), --azurite-downtime 5, --provider-faults 0.33,
//            --timeout 15 (minutes), --no-baseline, --set key=value (host.json override)
// dotnet run -c Release --project Peeker.Benchmarks -- soak             -> 30 min of steady small orders and cancellations on 1 host, then 2 min idle
//   options: --minutes 30, --orders-per-minute 4, --cancel-share 0.3, --idle-minutes 2, --partners 8, --domains 1-2,
//            --cancel-delay 30 (s), --timeout 15 (minutes to drain), --seed 42
if (args.Contains("--record-histories"))
{
    return await HistoryRecorder.RunAsync(args);
}

if (args.Length > 0 && args[0] is "chaos" or "faults" or "provider-faults")
{
    return await ChaosBenchmark.RunAsync(args);
}

if (args.Length > 0 && args[0] == "soak")
{
    return await SoakBenchmark.RunAsync(args);
}

if (args.Length > 0 && args[0] == "load")
{
    return await LoadBenchmark.RunAsync(args);
}

if (args.Contains("--order") || args.Contains("--orders"))
{
    return await OrderBenchmark.RunAsync(args);
}

return await EngineBenchmarks.RunAsync(args);
