using EmailIntegration.Domain.Documents;
using EmailIntegration.Pipeline.Individuals;

namespace EmailIntegration.Pipeline.Serve;

/// <summary>
/// The registration table of the tab's child forms. Each row says, once, how a form is served:
/// its URL segment, its JSON name in the tab, its title, the document type it reads, how a stored
/// document becomes an API item, and the columns the page shows. The tab JSON, the paging routes,
/// the page and the OpenAPI document are all generated from this table.
/// </summary>
/// <remarks>
/// To add a form: add one <see cref="ChildForm.Stored{TDocument, TItem}"/> row with an item record
/// next to the others in TabModels.cs.
/// Each route needs its HTTP function (Functions/Http/GetChildFormPage.cs, one line); the rows
/// below already have theirs, and a unit test fails when a row has none.
/// </remarks>
public static class ChildForms
{
    public static IReadOnlyList<ChildForm> All { get; } =
    [
        // A mailing known only from clicks has a tracking document (its activity ledger) but no Tracking row yet.
        ChildForm.Stored<MailingTrackingDocument, TrackingItem>(
            "tracking", "tracking", "E-mail tracking", DocumentTypes.Tracking,
            d => new TrackingItem(d.Vendor, d.MailingId, d.MailingName, d.MailingType, d.ReceivedAt, d.OpenedAt, d.OpenCount,
                d.PersonOpenCount, d.MachineOpenCount, d.Activity, d.MachineOpenReason),
            ("Mailing", i => i.MailingName ?? i.MailingId), ("Vendor", i => i.Vendor), ("Received", i => i.ReceivedAt),
            ("Opened", i => i.OpenedAt), ("Opens", i => ActivityCount.Of(i.OpenCount, i.PersonOpenCount, i.MachineOpenCount)),
            ("Opened by", i => ActivityMarker.Of(i.Activity, i.MachineOpenReason)))
            .OnlyWhereSet("trackedAt"),
        ChildForm.Stored<LinkTrackingDocument, LinkTrackingItem>(
            "link-tracking", "linkTracking", "Link tracking", DocumentTypes.LinkTracking,
            d => new LinkTrackingItem(d.Vendor, d.MailingId, d.MailingName, d.Url, d.Label, d.ClickedAt, d.ClickCount,
                d.PersonClickCount, d.MachineClickCount, d.Activity, d.MachineClickReason),
            ("Link", i => i.Label is null ? i.Url : $"{i.Label} ({i.Url})"), ("Mailing", i => i.MailingName ?? i.MailingId),
            ("Clicked", i => i.ClickedAt), ("Clicks", i => ActivityCount.Of(i.ClickCount, i.PersonClickCount, i.MachineClickCount)),
            ("Clicked by", i => ActivityMarker.Of(i.Activity, i.MachineClickReason))),
        ChildForm.Stored<FaxTrackingDocument, FaxTrackingItem>(
            "fax-tracking", "faxTracking", "Fax tracking", DocumentTypes.FaxTracking,
            d => new FaxTrackingItem(d.Vendor, d.MailingId, d.MailingName, d.FaxNumber, d.SentAt, d.Status),
            ("Fax", i => i.MailingName ?? i.MailingId), ("Sent", i => i.SentAt)),
        ChildForm.Stored<UnsubscribeDocument, UnsubscribeItem>(
            "unsubscribes", "unsubscribes", "Unsubscribes", DocumentTypes.Unsubscribe,
            d => new UnsubscribeItem(d.Vendor, d.MailingId, d.EmailGroup, d.UnsubscribedAt),
            ("E-mail group", i => i.EmailGroup), ("Unsubscribed", i => i.UnsubscribedAt)),

        ChildForm.Stored<BounceDocument, BounceItem>(
            "bounces", "bounces", "Correspondence bounces", DocumentTypes.Bounce,
            d => new BounceItem(d.Vendor, d.MailingId, d.MailingName, d.Severity, d.UserUnknown, d.VendorCode, d.Reason, d.BouncedAt),
            ("Mailing", i => i.MailingName ?? i.MailingId), ("Bounced", i => i.BouncedAt), ("Type", i => i.Severity.ToString()),
            ("Reason", i => i.Reason ?? i.VendorCode)),
        // A sent communication is the delivery the Tracking row already holds: served from those rows, stored once.
        ChildForm.Stored<MailingTrackingDocument, CommunicationItem>(
            "communications", "communications", "Communications", DocumentTypes.Tracking,
            d => new CommunicationItem(d.Vendor, d.MailingId, d.MailingName, d.MailingType, d.ReceivedAt),
            ("Mailing", i => i.MailingName ?? i.MailingId), ("Type", i => i.MailingType), ("Sent", i => i.SentAt))
            .OnlyWhereSet("receivedAt"),
        ChildForm.Stored<CustomerActionDocument, CustomerActionItem>(
            "customer-actions", "customerActions", "Customer actions", FormPlacement.Individual, DocumentTypes.CustomerAction,
            ProfileMapping.ToItem,
            ("Action", i => i.ActionType), ("Mailing", i => i.MailingName ?? i.MailingId), ("Link", i => i.Url), ("Date", i => i.ActionAt))
            .OnlyWhereSet("actionAt"), // a withdrawn action (only machines clicked) has none: scoring lists a person's only
        ChildForm.Stored<InterestActivityDocument, InterestActivityItem>(
            "interest-activities", "interestActivities", "Interest activities", FormPlacement.Individual, DocumentTypes.InterestActivity,
            ProfileMapping.ToItem,
            ("Interest", i => i.InterestCode), ("Activity", i => i.ActivityType), ("Mailing", i => i.MailingId), ("Date", i => i.ActivityAt))
            .OnlyWhereSet("activityAt"),
    ];

    public static ChildForm? Find(string segment) => All.FirstOrDefault(f => f.Segment == segment);

    public static ChildForm Get(string segment) =>
        Find(segment) ?? throw new ArgumentException($"No child form '{segment}' is registered.", nameof(segment));
}

/// <summary>Where a form's paging route lives.</summary>
public enum FormPlacement
{
    /// <summary><c>individuals/{individualId}/email-integration/{segment}</c></summary>
    EmailIntegration,

    /// <summary><c>individuals/{individualId}/{segment}</c></summary>
    Individual,
}

/// <summary>One row of <see cref="ChildForms.All"/>.</summary>
public sealed class ChildForm
{
    private readonly Func<IndividualDocument, object> toItem;
    private readonly Type documentClass;

    private ChildForm(
        string segment, string jsonName, string title, FormPlacement placement, string documentType, Type documentClass, Type itemType,
        Func<IndividualDocument, object> toItem, IReadOnlyList<FormColumn> columns)
    {
        this.documentClass = documentClass;
        Segment = segment;
        JsonName = jsonName;
        Title = title;
        Placement = placement;
        DocumentType = documentType;
        ItemType = itemType;
        this.toItem = toItem;
        Columns = columns;
    }

    /// <summary>The URL segment, e.g. "link-tracking"; also names the page's query parameters.</summary>
    public string Segment { get; }

    /// <summary>The property of the tab JSON, e.g. "linkTracking".</summary>
    public string JsonName { get; }

    public string Title { get; }

    public FormPlacement Placement { get; }

    /// <summary>The stored document type (see <see cref="DocumentTypes"/>).</summary>
    public string DocumentType { get; }

    /// <summary>The API item record.</summary>
    public Type ItemType { get; }

    public IReadOnlyList<FormColumn> Columns { get; }

    /// <summary>When set, the form takes only the documents where this stored time property is set.</summary>
    public string? RequiredTime { get; private set; }

    /// <summary>Whether a document of <see cref="DocumentType"/> is one of this form's rows (see <see cref="RequiredTime"/>).</summary>
    public Func<IndividualDocument, bool> Takes { get; private set; } = _ => true;

    /// <summary>The function route template of the form's paging route.</summary>
    public string Route => Placement == FormPlacement.EmailIntegration
        ? $"individuals/{{individualId}}/email-integration/{Segment}"
        : $"individuals/{{individualId}}/{Segment}";

    /// <summary>The page's query parameter that carries this form's continuation token.</summary>
    public string ViewTokenParameter => Segment + ".continuationToken";

    public object ToItem(IndividualDocument document) => toItem(document);

    /// <summary>
    /// This form over only the documents of its type where <paramref name="timeProperty"/> (stored, camelCase name)
    /// is set: for a form that is a subset of another form's rows. Its sort order stays the documents' sortAt.
    /// </summary>
    public ChildForm OnlyWhereSet(string timeProperty)
    {
        // The store filters by the stored name; in memory (the rows of the tab's newest read) the same property is read back.
        var property = documentClass.GetProperty(char.ToUpperInvariant(timeProperty[0]) + timeProperty[1..])
            ?? throw new ArgumentException($"{documentClass.Name} has no property {timeProperty}.", nameof(timeProperty));
        RequiredTime = timeProperty;
        Takes = document => property.GetValue(document) is not null;
        return this;
    }

    /// <summary>A form over stored documents of one type.</summary>
    public static ChildForm Stored<TDocument, TItem>(
        string segment, string jsonName, string title, string documentType, Func<TDocument, TItem> toItem,
        params (string Header, Func<TItem, object?> Value)[] columns)
        where TDocument : IndividualDocument
        where TItem : notnull =>
        Stored(segment, jsonName, title, FormPlacement.EmailIntegration, documentType, toItem, columns);

    /// <summary>A form over stored documents of one type, with its route at <paramref name="placement"/>.</summary>
    public static ChildForm Stored<TDocument, TItem>(
        string segment, string jsonName, string title, FormPlacement placement, string documentType, Func<TDocument, TItem> toItem,
        params (string Header, Func<TItem, object?> Value)[] columns)
        where TDocument : IndividualDocument
        where TItem : notnull =>
        new(segment, jsonName, title, placement, documentType, typeof(TDocument), typeof(TItem), d => toItem((TDocument)d),
            columns.Select(c => new FormColumn(c.Header, item => c.Value((TItem)item))).ToList());
}

/// <summary>A column of the page's table: a header and the cell value (text, a time, a number, or null).</summary>
public sealed record FormColumn(string Header, Func<object, object?> Value);
