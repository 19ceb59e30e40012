using System.Diagnostics;
using System.Net;
using Peeker.Shared;

namespace Peeker.Tests.Support;

/// <summary>
/// The real host (<c>Peeker.Functions.dll</c>) as a separate process on a free loopback port, for tests that kill it
/// (SIGKILL) and start it again over the same storage.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    private Process? _process;

    public HostProcess(IDictionary<string, string> environment)
    {
        Port = LoopbackPorts.FreePort();
        Environment = new Dictionary<string, string>(environment)
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{Port}",
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            [Peeker.Functions.Hosting.FunctionsConfiguration.AppRootVariable] = RepoPaths.Root,
        };
    }

    public int Port { get; }

    /// <summary>The process's environment; change it before <see cref="StartAsync"/>.</summary>
    public Dictionary<string, string> Environment { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");

    /// <summary>Everything the process wrote, for diagnosing a failed test.</summary>
    public StringWriter Output { get; } = new();

    /// <summary>Starts the host and waits until <c>/health</c> answers.</summary>
    public async Task StartAsync(TimeSpan? timeout = null)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Peeker.Functions.dll");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (var (key, value) in Environment)
        {
            info.Environment[key] = value;
        }

        _process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < (timeout ?? TimeSpan.FromSeconds(60)))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The host exited with {_process.ExitCode}:\n{Output}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri("/health", UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }

            await Task.Delay(200);
        }

        throw new TimeoutException($"The host did not answer /health:\n{Output}");
    }

    /// <summary>Kills the process at once, as a crash would (no shutdown code runs).</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            using var kill = Process.Start("kill", ["-KILL", process.Id.ToString(CultureInfo.InvariantCulture)]);
            await kill!.WaitForExitAsync();
            await process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync() => await KillAsync();

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (Output)
        {
            Output.WriteLine(line);
        }
    }
}
