using Peeker.Activities.Common;

namespace Peeker.Functions.PartnerApi;

/// <summary><c>{"data": …}</c>.</summary>
public sealed record DataEnvelope<T>(T Data);

/// <summary>A list page: <c>{"data": [...], "links": {...}, "meta": {...}}</c>.</summary>
public sealed record ListEnvelope<T>(IReadOnlyList<T> Data, ListLinks Links, ListMeta Meta);

/// <summary>Links of a list page; <see cref="Next"/> is null on the last page.</summary>
public sealed record ListLinks(string First, string? Next);

/// <summary>Meta of a list page.</summary>
public sealed record ListMeta(string Path, int PerPage, int Returned);

/// <summary>The error envelope body.</summary>
public sealed record ErrorEnvelope(ErrorBody Error);

/// <summary><c>code</c> (stable), <c>message</c> (free text), <c>field</c> and <c>details</c> (optional).</summary>
public sealed record ErrorBody(string Code, string Message, string? Field, IReadOnlyDictionary<string, object?>? Details);
