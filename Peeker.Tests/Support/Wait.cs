namespace Peeker.Tests.Support;

/// <summary>Wait-for-condition instead of sleeps: polls until true, fails the test after a generous bound (the box is loaded).</summary>
public static class Wait
{
    public static async Task UntilAsync(Func<bool> condition, TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(90));
        while (!condition())
        {
            await Task.Delay(20, cancel.Token);
        }
    }
}
