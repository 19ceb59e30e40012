using Microsoft.Extensions.Logging.Abstractions;
using Peeker.Durable.Hosting;

namespace Peeker.Tests.Durable;

public sealed class DurableTaskHubSettingsTests
{
    private const string Storage = "UseDevelopmentStorage=true";

    [Fact]
    public void CreateSettings_NoWorkerId_EachHostIsItsOwnPartitionOwner()
    {
        var first = DurableTaskHub.CreateSettings(new DurableTaskOptions(), Storage, NullLoggerFactory.Instance);
        var second = DurableTaskHub.CreateSettings(new DurableTaskOptions(), Storage, NullLoggerFactory.Instance);

        // DTFx's default (the machine name) is shared by every process on a machine: both would own the same partitions.
        Assert.NotEqual(first.WorkerId, second.WorkerId);
        Assert.StartsWith($"{Environment.MachineName}-{Environment.ProcessId}-", first.WorkerId, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateSettings_ConfiguredWorkerId_IsUsed()
    {
        var options = new DurableTaskOptions();
        options.StorageProvider.WorkerId = "host-a";

        Assert.Equal("host-a", DurableTaskHub.CreateSettings(options, Storage, NullLoggerFactory.Instance).WorkerId);
    }

    [Fact]
    public void CreateSettings_RecoverySettings_ReachDtfx()
    {
        var options = new DurableTaskOptions();
        options.StorageProvider.ControlQueueVisibilityTimeout = TimeSpan.FromSeconds(45);
        options.StorageProvider.WorkItemQueueVisibilityTimeout = TimeSpan.FromSeconds(46);
        options.StorageProvider.LeaseInterval = TimeSpan.FromSeconds(31);
        options.StorageProvider.LeaseAcquireInterval = TimeSpan.FromSeconds(5);
        options.StorageProvider.PartitionTableOperationTimeout = TimeSpan.FromSeconds(10);

        var settings = DurableTaskHub.CreateSettings(options, Storage, NullLoggerFactory.Instance);

        Assert.Equal(TimeSpan.FromSeconds(45), settings.ControlQueueVisibilityTimeout);
        Assert.Equal(TimeSpan.FromSeconds(46), settings.WorkItemQueueVisibilityTimeout);
        Assert.Equal(TimeSpan.FromSeconds(31), settings.LeaseInterval);
        Assert.Equal(TimeSpan.FromSeconds(5), settings.LeaseAcquireInterval);
        Assert.Equal(TimeSpan.FromSeconds(10), settings.PartitionTableOperationTimeout);
    }
}
