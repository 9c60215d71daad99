using EmailIntegration.Domain.Events;
using System.Text.Json.Serialization;

namespace EmailIntegration.Pipeline.Serve;

/// <summary>
/// The E-Mail Integration tab as the profile screens read it: the profile flags and the first page
/// of every child form in <see cref="ChildForms.All"/>, each under its <see cref="ChildForm.JsonName"/>.
/// </summary>
public sealed class EmailIntegrationTab(string individualId, ProfileFlags flags, IReadOnlyList<(ChildForm Form, FormPage Page)> forms)
{
    public string IndividualId { get; } = individualId;

    public ProfileFlags Flags { get; } = flags;

    /// <summary>The child forms in table order (serialized as top-level properties: "tracking", "linkTracking", ...).</summary>
    [JsonIgnore]
    public IReadOnlyList<(ChildForm Form, FormPage Page)> Forms { get; } = forms;

    [JsonExtensionData]
    public Dictionary<string, object> FormsByJsonName => Forms.ToDictionary(f => f.Form.JsonName, f => (object)f.Page, StringComparer.Ordinal);

    public FormPage this[string segment] => Forms.Single(f => f.Form.Segment == segment).Page;
}

/// <summary>
/// The profile's flags. Null means unknown: the profile document does not exist yet (or is not
/// read yet), and the page shows "unknown" rather than guessing.
/// </summary>
public sealed record ProfileFlags(bool? EmailInvalid, bool? DoNotEmail)
{
    public static readonly ProfileFlags Unknown = new(null, null);
}

/// <param name="Items">The form's items (<see cref="ChildForm.ItemType"/>), newest first.</param>
/// <param name="ContinuationToken">Opaque and signed; pass it back with the same filters to get the next page. Null on the last page.</param>
public sealed record FormPage(IReadOnlyList<object> Items, string? ContinuationToken)
{
    public IEnumerable<T> ItemsOf<T>() => Items.Cast<T>();
}

/// <param name="OpenCount">Every open; <paramref name="PersonOpenCount"/> + <paramref name="MachineOpenCount"/>.</param>
/// <param name="Activity"><c>person</c> when a person opened it, <c>machine</c> when only machines did, null without opens.</param>
/// <param name="MachineOpenReason">The reason of the earliest machine open (docs/machine-activity.md).</param>
public sealed record TrackingItem(
    string Vendor, string MailingId, string? MailingName, string? MailingType,
    DateTimeOffset? ReceivedAt, DateTimeOffset? OpenedAt, int OpenCount,
    int PersonOpenCount, int MachineOpenCount, string? Activity, string? MachineOpenReason);

/// <param name="ClickCount">Every click; <paramref name="PersonClickCount"/> + <paramref name="MachineClickCount"/>.</param>
/// <param name="Activity"><c>person</c> when a person clicked the link, <c>machine</c> when only machines did.</param>
/// <param name="MachineClickReason">The reason of the earliest machine click (docs/machine-activity.md).</param>
public sealed record LinkTrackingItem(
    string Vendor, string MailingId, string? MailingName, string Url, string? Label,
    DateTimeOffset? ClickedAt, int ClickCount,
    int PersonClickCount, int MachineClickCount, string? Activity, string? MachineClickReason);

/// <summary>A page cell: a gross count, split when machines took part ("3 (1 person, 2 machine)").</summary>
public sealed record ActivityCount(int Total, int Person, int Machine)
{
    public static ActivityCount Of(int total, int person, int machine) => new(total, person, machine);

    public override string ToString() =>
        Machine == 0 ? Total.ToString(System.Globalization.CultureInfo.InvariantCulture)
            : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Total} ({Person} person, {Machine} machine)");
}

/// <summary>A page cell: who made a row's activity, and why a machine when it was one; null when the row has none.</summary>
public sealed record ActivityMarker(string Actor, string? Reason)
{
    public static ActivityMarker? Of(string? actor, string? reason) => actor is null ? null : new(actor, reason);
}

public sealed record FaxTrackingItem(
    string Vendor, string MailingId, string? MailingName, string FaxNumber, DateTimeOffset? SentAt, string? Status);

public sealed record UnsubscribeItem(
    string Vendor, string MailingId, string? EmailGroup, DateTimeOffset? UnsubscribedAt);

public sealed record BounceItem(
    string Vendor, string MailingId, string? MailingName, BounceSeverity Severity, bool UserUnknown,
    string? VendorCode, string? Reason, DateTimeOffset? BouncedAt);

public sealed record CommunicationItem(
    string Vendor, string MailingId, string? MailingName, string? MailingType, DateTimeOffset? SentAt);
