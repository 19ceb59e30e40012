using Peeker.Benchmarks;

// dotnet run -c Release --project Peeker.Benchmarks                 -> engine benchmarks on fresh Azurites (one table)
// dotnet Peeker.Benchmarks.dll --worker --connection <cs> --hub <h> -> a worker host process (crash and scale-out tests)
// dotnet run -c Release --project Peeker.Benchmarks -- --order       -> a 19-domain sandbox order through the host process
if (args.Contains("--order"))
{
    return await OrderBenchmark.RunAsync(args);
}

if (args.Contains("--worker"))
{
    return await WorkerMode.RunAsync(args);
}

return await EngineBenchmarks.RunAsync(args);
