using System.IO.Compression;
using System.Text;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Peeker.Durable.AzureStorage;

/// <summary>
/// Gzip-compressed payloads in <c>{hub}-largemessages</c> for values over the queue (45 KiB) or table-property
/// (60 KiB) limits, referenced by blob name.
/// </summary>
internal sealed class LargePayloadStore(BlobContainerClient container)
{
    /// <summary>Queue messages above this many UTF-8 bytes go to a blob (base64 overhead keeps 64 KiB safe).</summary>
    public const int QueueLimitBytes = 45 * 1024;

    /// <summary>Table string properties above this many UTF-16 bytes go to a blob.</summary>
    public const int PropertyLimitBytes = 60 * 1024;

    public BlobContainerClient Container => container;

    public static bool TooLargeForProperty(string? value) => value is not null && value.Length * 2 > PropertyLimitBytes;

    public async Task UploadAsync(string blobName, string text, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            await gzip.WriteAsync(bytes, cancellationToken);
        }

        buffer.Position = 0;
        await container.GetBlobClient(blobName).UploadAsync(buffer, overwrite: true, cancellationToken);
    }

    public async Task<string> DownloadAsync(string blobName, CancellationToken cancellationToken)
    {
        var content = await container.GetBlobClient(blobName).DownloadContentAsync(cancellationToken);
        await using var gzip = new GZipStream(content.Value.Content.ToStream(), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        return await reader.ReadToEndAsync(cancellationToken);
    }

    /// <summary>Deletes every blob of an instance (purge).</summary>
    public async Task DeleteInstanceAsync(string instanceId, CancellationToken cancellationToken)
    {
        await foreach (var blob in container.GetBlobsAsync(new GetBlobsOptions { Prefix = BlobPrefix(instanceId) }, cancellationToken))
        {
            try
            {
                await container.DeleteBlobIfExistsAsync(blob.Name, cancellationToken: cancellationToken);
            }
            catch (RequestFailedException)
            {
                // Someone else deleted it.
            }
        }
    }

    public static string BlobPrefix(string instanceId) => StorageNames.EscapeKey(instanceId) + "/";
}
