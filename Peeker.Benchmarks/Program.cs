using Peeker.Benchmarks;

// dotnet run -c Release --project Peeker.Benchmarks                    -> every scenario, ours vs Durable Functions' defaults (one table)
//   options: --quick (smoke run), --only fanout100,fanout1000,chain,batch,idle,order,orders, --set storageProvider:partitionCount=2 (ours)
// dotnet run -c Release --project Peeker.Benchmarks -- --order          -> a 19-domain sandbox order through the host process (3 runs)
// dotnet run -c Release --project Peeker.Benchmarks -- --orders 20      -> 20 such orders posted at once (orders/minute)
// dotnet run --project Peeker.Benchmarks -- --record-histories <dir>     -> records orchestration histories for the replay tests
// dotnet run -c Release --project Peeker.Benchmarks -- load             -> open-loop Partner API load (availability, orders), p50/p95/p99 per rate
//   options: --rates 25,50,100,200, --seconds 10
if (args.Contains("--record-histories"))
{
    return await HistoryRecorder.RunAsync(args);
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
