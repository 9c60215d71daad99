using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;

namespace EmailIntegration.Domain.Changes;

/// <summary>What changed in what the AMS keeps for an individual (GET /api/changes).</summary>
public enum ChangeKind
{
    /// <summary>The address became valid or invalid (<see cref="ChangeValue.EmailValid"/>, <see cref="ChangeValue.Reason"/>).</summary>
    EmailValid,

    /// <summary>Do-not-e-mail set or cleared (<see cref="ChangeValue.DoNotEmail"/>).</summary>
    DoNotEmail,

    /// <summary>A mailing type's preference changed (<see cref="ChangeValue.MailingType"/>, <see cref="ChangeValue.OptedOut"/>).</summary>
    CommunicationPreference,

    /// <summary>A Customer Action was created (<see cref="ChangeValue.DocumentId"/> and the link).</summary>
    CustomerActionCreated,

    /// <summary>An interest activity was created (<see cref="ChangeValue.DocumentId"/>, the link and the code).</summary>
    InterestActivityCreated,

    /// <summary>A bounce was recorded (<see cref="ChangeValue.DocumentId"/>, severity, vendor code).</summary>
    Bounce,

    /// <summary>A Customer Action turned out to be only a machine's clicks (<see cref="ChangeValue.DocumentId"/>, <see cref="ChangeValue.Reason"/>).</summary>
    CustomerActionWithdrawn,

    /// <summary>A withdrawn Customer Action got a person's click: carries what a creation carries, so it also creates one the AMS never had.</summary>
    CustomerActionReinstated,

    /// <summary>An interest activity turned out to be only a machine's clicks (<see cref="ChangeValue.DocumentId"/>, <see cref="ChangeValue.Reason"/>).</summary>
    InterestActivityWithdrawn,

    /// <summary>A withdrawn interest activity got a person's click: carries what a creation carries.</summary>
    InterestActivityReinstated,

    /// <summary>
    /// The individual was erased (<see cref="ChangeValue.ErasureId"/>, also the change's individual id: the id itself is
    /// no longer kept anywhere). The AMS knows which individual from its DELETE's answer.
    /// </summary>
    Erased,
}

/// <summary>The new value; only the fields of the change's kind are set (the others are left out). Never an address.</summary>
public sealed record ChangeValue(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? EmailValid = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? DoNotEmail = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? MailingType = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? OptedOut = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? DocumentId = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Vendor = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? MailingId = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Url = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? InterestCode = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Severity = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? UserUnknown = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? VendorCode = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? OccurredAt = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ErasureId = null);

/// <param name="ChangeId">Stable: the same change always has the same id, however often it is written or read.</param>
/// <param name="ChangedAt">When the change was committed (UTC).</param>
/// <param name="SortKey">Orders one individual's changes in commit order: <see cref="ChangedAt"/> (fixed width) then the id.</param>
public sealed record IndividualChange(string ChangeId, string IndividualId, ChangeKind Kind, ChangeValue Value, DateTimeOffset ChangedAt, string SortKey)
{
    public static IndividualChange Create(string changeId, string individualId, ChangeKind kind, ChangeValue value, DateTimeOffset changedAt) =>
        new(changeId, individualId, kind, value, changedAt,
            changedAt.UtcTicks.ToString("D19", CultureInfo.InvariantCulture) + "|" + changeId);

    /// <summary><c>c-</c> + 32 hex of SHA-256 over the individual and what identifies the change within it.</summary>
    public static string IdOf(string individualId, string scope, string key) =>
        "c-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', individualId, scope, key))))[..32];
}
