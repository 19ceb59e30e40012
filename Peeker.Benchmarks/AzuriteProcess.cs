using System.Globalization;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Peeker.Benchmarks;

/// <summary>A private in-memory Azurite on free loopback ports (the repository's pinned copy in node_modules).</summary>
public sealed class AzuriteProcess : IAsyncDisposable
{
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private readonly Process _process;

    private AzuriteProcess(Process process, int blob, int queue, int table)
    {
        _process = process;
        ConnectionString = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
            $"AccountKey={AccountKey};BlobEndpoint=http://127.0.0.1:{blob}/devstoreaccount1;" +
            $"QueueEndpoint=http://127.0.0.1:{queue}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{table}/devstoreaccount1;";
    }

    public string ConnectionString { get; }

    public static async Task<AzuriteProcess> StartAsync()
    {
        var azurite = Path.Combine(SettingsProfile.FindRoot(), "node_modules", "azurite", "dist", "src", "azurite.js");
        var (blob, queue, table) = (FreePort(), FreePort(), FreePort());
        var info = new ProcessStartInfo("node") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[]
        {
            azurite, "--inMemoryPersistence", "--disableTelemetry", "--skipApiVersionCheck", "--silent",
            "--blobHost", "127.0.0.1", "--blobPort", $"{blob}", "--queueHost", "127.0.0.1", "--queuePort", $"{queue}",
            "--tableHost", "127.0.0.1", "--tablePort", $"{table}",
        })
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("node did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var result = new AzuriteProcess(process, blob, queue, table);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (await IsOpenAsync(blob) && await IsOpenAsync(queue) && await IsOpenAsync(table))
            {
                return result;
            }

            await Task.Delay(100);
        }

        await result.DisposeAsync();
        throw new InvalidOperationException("Azurite did not start");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                term?.WaitForExit();
            }

            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
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
