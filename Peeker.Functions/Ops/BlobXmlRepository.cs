using System.Text;
using System.Xml.Linq;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Peeker.Functions.Ops;

/// <summary>
/// The data-protection key ring of the ops console, kept as one XML blob in the host's storage account so every host
/// behind a balancer protects and unprotects with the same keys (session cookie, anti-forgery, TempData notices).
/// </summary>
/// <remarks>
/// Hand-written because Azure.Extensions.AspNetCore.DataProtection.Blobs is not served on our build machine.
/// A new key is added by read-modify-write under the blob's ETag (<c>If-None-Match: *</c> when the blob does not exist
/// yet): when two hosts add a key at once, the loser's write fails with 409/412 and it re-reads and retries, so no key
/// is lost. Keys are only ever added; the data-protection system never rewrites or deletes one.
/// </remarks>
public sealed class BlobXmlRepository(BlobContainerClient container, string blobName = BlobXmlRepository.DefaultBlobName) : IXmlRepository
{
    /// <summary>The container holding the key ring in the host's storage account.</summary>
    public const string DefaultContainerName = "peeker-ops-keys";

    /// <summary>The key ring's blob.</summary>
    public const string DefaultBlobName = "keys.xml";

    private const int MaxAttempts = 20;
    private static readonly XName Root = "repository";

    private readonly BlobClient _blob = container.GetBlobClient(blobName);

    /// <inheritdoc />
    public IReadOnlyCollection<XElement> GetAllElements() => Read()?.Document.Root!.Elements().Select(e => new XElement(e)).ToList() ?? [];

    /// <inheritdoc />
    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        container.CreateIfNotExists();
        for (var attempt = 1; ; attempt++)
        {
            var current = Read();
            var document = current?.Document ?? new XDocument(new XElement(Root));
            document.Root!.Add(new XElement(element));
            var conditions = current is null
                ? new BlobRequestConditions { IfNoneMatch = ETag.All }
                : new BlobRequestConditions { IfMatch = current.Value.ETag };
            try
            {
                _blob.Upload(
                    new BinaryData(Encoding.UTF8.GetBytes(document.ToString(SaveOptions.DisableFormatting))),
                    new BlobUploadOptions
                    {
                        Conditions = conditions,
                        HttpHeaders = new BlobHttpHeaders { ContentType = "application/xml" },
                    }
                );
                return;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412 && attempt < MaxAttempts)
            {
                // Another host added a key between our read and our write: read its version and add ours to it.
            }
        }
    }

    private (XDocument Document, ETag ETag)? Read()
    {
        try
        {
            var content = _blob.DownloadContent().Value;
            return (XDocument.Parse(content.Content.ToString()), content.Details.ETag);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }
}
