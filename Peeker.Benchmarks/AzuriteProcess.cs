using System.Globalization;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Peeker.Benchmarks;

/// <summary>
/// A private Azurite on free loopback ports (the repository's pinned copy in node_modules): in memory, or persisted
/// to a folder (<c>--location</c>) so it can be restarted in the middle of a run.
/// </summary>
public sealed class AzuriteProcess : IAsyncDisposable
{
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private readonly int _blob;
    private readonly int _queue;
    private readonly int _table;
    private readonly string? _location;
    private Process _process;

    private AzuriteProcess(Process process, int blob, int queue, int table, string? location)
    {
        _process = process;
        (_blob, _queue, _table, _location) = (blob, queue, table, location);
        ConnectionString = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
            $"AccountKey={AccountKey};BlobEndpoint=http://127.0.0.1:{blob}/devstoreaccount1;" +
            $"QueueEndpoint=http://127.0.0.1:{queue}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{table}/devstoreaccount1;";
    }

    public string ConnectionString { get; }

    /// <summary>Starts Azurite; with <paramref name="location"/> it persists there (else in memory).</summary>
    public static async Task<AzuriteProcess> StartAsync(string? location = null)
    {
        var (blob, queue, table) = (FreePort(), FreePort(), FreePort());
        var result = new AzuriteProcess(Launch(blob, queue, table, location), blob, queue, table, location);
        if (!await result.WaitOpenAsync())
        {
            await result.DisposeAsync();
            throw new InvalidOperationException("Azurite did not start");
        }

        return result;
    }

    /// <summary>Stops Azurite (SIGTERM: it writes its state) and starts it again on the same ports and folder.</summary>
    public async Task RestartAsync(TimeSpan downtime)
    {
        if (_location is null)
        {
            throw new InvalidOperationException("An in-memory Azurite loses everything on restart; start it with a location.");
        }

        await StopAsync();
        _process.Dispose();
        await Task.Delay(downtime);
        _process = Launch(_blob, _queue, _table, _location);
        if (!await WaitOpenAsync())
        {
            throw new InvalidOperationException("Azurite did not come back");
        }
    }

    private static Process Launch(int blob, int queue, int table, string? location)
    {
        var azurite = Path.Combine(SettingsProfile.FindRoot(), "node_modules", "azurite", "dist", "src", "azurite.js");
        var info = new ProcessStartInfo("node") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[]
        {
            azurite, "--disableTelemetry", "--skipApiVersionCheck", "--silent",
            "--blobHost", "127.0.0.1", "--blobPort", $"{blob}", "--queueHost", "127.0.0.1", "--queuePort", $"{queue}",
            "--tableHost", "127.0.0.1", "--tablePort", $"{table}",
        })
        {
            info.ArgumentList.Add(arg);
        }

        if (location is null)
        {
            info.ArgumentList.Add("--inMemoryPersistence");
        }
        else
        {
            info.ArgumentList.Add("--location");
            info.ArgumentList.Add(location);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("node did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private async Task<bool> WaitOpenAsync()
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (await IsOpenAsync(_blob) && await IsOpenAsync(_queue) && await IsOpenAsync(_table))
            {
                return true;
            }

            await Task.Delay(100);
        }

        return false;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
    }

    private async Task StopAsync()
    {
        if (!_process.HasExited)
        {
            using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                term?.WaitForExit();
            }

            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(_location is null ? 5 : 30));
            try
            {
                await _process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
    }

    private static async Task<bool> IsOpenAsync(int port)
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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
