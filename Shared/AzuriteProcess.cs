using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Peeker.Shared;

/// <summary>
/// A private Azurite on free loopback ports, from the repository's pinned copy in <c>node_modules</c>: in memory, or
/// persisted to a folder (<c>--location</c>) so it can be restarted in the middle of a run. One launcher for the tests'
/// fixture and the benchmarks (this file is linked into both projects). Stopped by its own process id, never by port.
/// </summary>
internal sealed class AzuriteProcess : IAsyncDisposable
{
    /// <summary>The well-known development account key (public, documented by Microsoft).</summary>
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly string _script;
    private readonly string? _location;
    private Process? _process;

    private AzuriteProcess(string script, string? location, int blob, int queue, int table)
    {
        (_script, _location, BlobPort, QueuePort, TablePort) = (script, location, blob, queue, table);
    }

    public int BlobPort { get; }

    public int QueuePort { get; }

    public int TablePort { get; }

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};"
        + $"BlobEndpoint=http://127.0.0.1:{BlobPort}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{QueuePort}/devstoreaccount1;"
        + $"TableEndpoint=http://127.0.0.1:{TablePort}/devstoreaccount1;";

    /// <summary>
    /// Starts Azurite from <paramref name="repositoryRoot"/>'s <c>node_modules</c>; with <paramref name="location"/> it
    /// persists there, else in memory. A port taken between choosing and binding is retried on new ports, up to three tries.
    /// </summary>
    public static async Task<AzuriteProcess> StartAsync(string repositoryRoot, string? location = null)
    {
        var script = Path.Combine(repositoryRoot, "node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(script))
        {
            throw new InvalidOperationException(
                $"Azurite is not installed at {script}: run 'npm ci' in {repositoryRoot} (./test.sh does)."
            );
        }

        for (var attempt = 0; attempt < 3; attempt++)
        {
            var azurite = new AzuriteProcess(
                script,
                location,
                LoopbackPorts.FreePort(),
                LoopbackPorts.FreePort(),
                LoopbackPorts.FreePort()
            );
            azurite.Launch();
            if (await azurite.WaitOpenAsync(TimeSpan.FromSeconds(30)))
            {
                return azurite;
            }

            await azurite.DisposeAsync();
        }

        throw new InvalidOperationException("Azurite did not open its ports in three tries.");
    }

    /// <summary>Stops Azurite (SIGTERM: it writes its state) and starts it again on the same ports and folder.</summary>
    public async Task RestartAsync(TimeSpan downtime)
    {
        if (_location is null)
        {
            throw new InvalidOperationException("An in-memory Azurite loses everything on restart; start it with a location.");
        }

        await StopAsync();
        await Task.Delay(downtime);
        Launch();
        if (!await WaitOpenAsync(TimeSpan.FromSeconds(30)))
        {
            throw new InvalidOperationException("Azurite did not come back");
        }
    }

    public ValueTask DisposeAsync() => new(StopAsync());

    private void Launch()
    {
        var info = new ProcessStartInfo("node")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (
            var arg in new[]
            {
                _script,
                "--disableTelemetry",
                "--skipApiVersionCheck",
                "--silent",
                "--blobHost",
                "127.0.0.1",
                "--blobPort",
                Port(BlobPort),
                "--queueHost",
                "127.0.0.1",
                "--queuePort",
                Port(QueuePort),
                "--tableHost",
                "127.0.0.1",
                "--tablePort",
                Port(TablePort),
            }
        )
        {
            info.ArgumentList.Add(arg);
        }

        if (_location is null)
        {
            info.ArgumentList.Add("--inMemoryPersistence");
        }
        else
        {
            info.ArgumentList.Add("--location");
            info.ArgumentList.Add(_location);
        }

        _process = Process.Start(info) ?? throw new InvalidOperationException("node did not start");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    private async Task<bool> WaitOpenAsync(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (_process is null || _process.HasExited)
            {
                return false;
            }

            if (
                await LoopbackPorts.IsOpenAsync(BlobPort)
                && await LoopbackPorts.IsOpenAsync(QueuePort)
                && await LoopbackPorts.IsOpenAsync(TablePort)
            )
            {
                return true;
            }

            await Task.Delay(100);
        }

        return false;
    }

    private async Task StopAsync()
    {
        var process = _process;
        _process = null;
        if (process is null)
        {
            return;
        }

        try
        {
            if (!process.HasExited)
            {
                // SIGTERM by our own pid lets Azurite close cleanly (and write its folder); kill it if it lingers.
                using (var term = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
                {
                    term?.WaitForExit();
                }

                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(_location is null ? 5 : 30));
                try
                {
                    await process.WaitForExitAsync(cts.Token);
                }
                catch (OperationCanceledException)
                {
                    process.Kill(entireProcessTree: true);
                }
            }
        }
        finally
        {
            process.Dispose();
        }
    }

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Loopback ports for test and benchmark servers.</summary>
internal static class LoopbackPorts
{
    /// <summary>A port free on 127.0.0.1 right now (the OS's choice).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Whether something accepts connections on 127.0.0.1:<paramref name="port"/>.</summary>
    public static async Task<bool> IsOpenAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
