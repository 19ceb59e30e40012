using System.Collections.Concurrent;
using System.Diagnostics;
using Peeker.Shared;

namespace Peeker.Benchmarks;

/// <summary>
/// Several host processes (<c>Peeker.Functions.dll</c>) sharing one storage account, each on its own fixed loopback
/// port (a restarted host comes back on the same address), each with its in-process simulators. A kill is SIGKILL:
/// no shutdown code runs, leases and dequeued messages are left as a crash leaves them.
/// </summary>
internal sealed class HostFleet : IAsyncDisposable
{
    private readonly Process?[] _processes;
    private readonly int[] _ports;
    private readonly string _connectionString;
    private readonly SettingsProfile? _profile;
    private readonly IReadOnlyDictionary<string, string> _settings;
    private readonly ConcurrentQueue<string> _log = new();

    public HostFleet(int count, string connectionString, SettingsProfile? profile, IReadOnlyDictionary<string, string> settings)
    {
        _processes = new Process?[count];
        _ports = [.. Enumerable.Range(0, count).Select(_ => LoopbackPorts.FreePort())];
        (_connectionString, _profile, _settings) = (connectionString, profile, settings);
    }

    public int Count => _processes.Length;

    public Uri Address(int host) => new($"http://127.0.0.1:{_ports[host]}");

    public bool IsRunning(int host) => _processes[host] is { HasExited: false };

    /// <summary>The process id of host <paramref name="host"/> while it runs (for <c>/proc/{pid}/status</c>).</summary>
    public int? ProcessId(int host) => IsRunning(host) ? _processes[host]!.Id : null;

    /// <summary>The last lines the hosts wrote (warnings and errors), each prefixed with its host number.</summary>
    public IEnumerable<string> LogTail(int lines) => _log.TakeLast(lines);

    /// <summary>Starts host <paramref name="host"/> and waits until it answers <c>/health</c>.</summary>
    public async Task StartAsync(int host)
    {
        var process = OrderBenchmark.StartHost(
            _connectionString,
            _ports[host],
            _profile,
            _settings,
            line =>
            {
                _log.Enqueue($"[{host}] {line}");
                while (_log.Count > 400)
                {
                    _log.TryDequeue(out _);
                }
            }
        );
        _processes[host] = process;
        using var http = new HttpClient { BaseAddress = Address(host), Timeout = TimeSpan.FromSeconds(30) };
        await OrderBenchmark.WaitHealthyAsync(http);
    }

    /// <summary>SIGKILLs host <paramref name="host"/> (a crash) and waits for it to be gone.</summary>
    public async Task KillAsync(int host)
    {
        if (_processes[host] is { } process)
        {
            if (!process.HasExited)
            {
                process.Kill();
                await process.WaitForExitAsync();
            }

            process.Dispose();
            _processes[host] = null;
        }
    }

    /// <summary>Sends a request to the first running host that answers (the request is built per try).</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpClient http, Func<Uri, HttpRequestMessage> request)
    {
        for (var attempt = 0; ; attempt++)
        {
            var host = attempt % Count;
            if (!IsRunning(host))
            {
                await Task.Delay(attempt < Count ? 0 : 200);
                continue;
            }

            try
            {
                return await http.SendAsync(request(Address(host)));
            }
            catch (Exception ex) when ((ex is HttpRequestException or TaskCanceledException) && attempt < 50)
            {
                await Task.Delay(200);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = 0; i < Count; i++)
        {
            await KillAsync(i);
        }
    }
}
