using Peeker.Benchmarks;

// dotnet run -c Release --project Peeker.Benchmarks                 -> engine benchmarks on fresh Azurites (one table)
// dotnet Peeker.Benchmarks.dll --worker --connection <cs> --hub <h> -> a worker host process (crash and scale-out tests)
if (args.Contains("--worker"))
{
    return await WorkerMode.RunAsync(args);
}

return await EngineBenchmarks.RunAsync(args);
