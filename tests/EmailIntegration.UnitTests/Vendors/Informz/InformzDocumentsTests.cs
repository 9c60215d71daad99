using System.Xml.Linq;
using EmailIntegration.Vendors.Informz;

namespace EmailIntegration.UnitTests.Vendors.Informz;

/// <summary>The request documents, against the shapes of the vendor's examples.</summary>
public class InformzDocumentsTests
{
    private static readonly XNamespace X = "http://partner.informz.net/aapi/2009/08/";

    private static readonly InformzOptions Options = new()
    {
        BrandId = "9999", BrandName = "Test Brand", User = "testuser", Password = "password",
    };

    /// <summary>The nodes framed in a holder (Grids, Actions), decoded.</summary>
    private static XElement Unframe(XElement holder)
    {
        Assert.False(holder.HasElements); // plain text: the frame
        return XElement.Parse("<framed>" + InformzFrame.Decode(holder.Value) + "</framed>");
    }

    [Fact]
    public void Optout_document_has_the_guide_shape()
    {
        var xml = InformzDocuments.OptOut(Options, ["Sample Interest 1", "Sample Interest 2"],
            [new InformzSubscriber("mike@example.com", "8462"), new InformzSubscriber("ann@example.com")]);

        var root = XElement.Parse(xml);
        Assert.Equal(X + "ActionRequest", root.Name);
        Assert.Equal(["Brand", "User", "Password", "Actions"], root.Elements().Select(e => e.Name.LocalName));
        Assert.Equal("9999", root.Element(X + "Brand")!.Attribute("id")!.Value);
        var optout = Unframe(root.Element(X + "Actions")!).Elements().Single();
        Assert.Equal(X + "Optout", optout.Name);
        Assert.Equal(["InterestNames", "Subscribers"], optout.Elements().Select(e => e.Name.LocalName));
        Assert.Equal(["Sample Interest 1", "Sample Interest 2"], optout.Element(X + "InterestNames")!.Elements(X + "InterestName").Select(e => e.Value));
        var subscribers = optout.Element(X + "Subscribers")!.Elements(X + "Subscriber").ToList();
        Assert.Equal(["Email", "ID"], subscribers[0].Elements().Select(e => e.Name.LocalName)); // Email first, ID second, upper case
        Assert.Equal("mike@example.com", subscribers[0].Element(X + "Email")!.Value);
        Assert.Equal("8462", subscribers[0].Element(X + "ID")!.Value);
        Assert.Equal(["Email"], subscribers[1].Elements().Select(e => e.Name.LocalName));
    }

    [Fact]
    public void Optout_requires_an_interest_and_an_address_and_never_quotes_one()
    {
        Assert.Throws<ArgumentException>(() => InformzDocuments.OptOut(Options, [], [new InformzSubscriber("a@example.com")]));
        var ex = Assert.Throws<ArgumentException>(() => InformzDocuments.OptOut(Options, ["News"], [new InformzSubscriber(" ")]));
        Assert.DoesNotContain("@", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret@example.com", new InformzSubscriber("secret@example.com", "1").ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Grid_request_has_conditions_return_fields_and_paging()
    {
        var xml = InformzDocuments.GridRequest(Options, new GridQuery("mailing_instance",
            [GridCondition.Gte("mailing_date", new DateOnly(2009, 9, 1)), GridCondition.Lt("mailing_date", new DateOnly(2009, 9, 2))],
            ["mailing_instance_id", "mailing_name"], "mailing_instance_id", 1001, 1000));

        var root = XElement.Parse(xml);
        Assert.Equal(X + "GridRequest", root.Name);
        Assert.Equal(["Password", "Brand", "User", "Grids"], root.Elements().Select(e => e.Name.LocalName));
        var grid = Unframe(root.Element(X + "Grids")!).Element(X + "Grid")!;
        Assert.Equal("mailing_instance", grid.Attribute("type")!.Value);
        var singles = grid.Element(X + "Conditions")!.Elements(X + "Condition").Select(c => c.Element(X + "Single")!).ToList();
        Assert.Equal([("mailing_date", "2009-09-01", "GTE"), ("mailing_date", "2009-09-02", "LT")],
            singles.Select(s => (s.Element(X + "DataElement")!.Value, s.Element(X + "DataValue")!.Value, s.Element(X + "Comparator")!.Value)));
        Assert.Equal(["mailing_instance_id", "mailing_name"], grid.Element(X + "ReturnFields")!.Elements(X + "DataElement").Select(e => e.Value));
        Assert.Equal("mailing_instance_id", grid.Element(X + "SortField")!.Value);
        Assert.Equal("asc", grid.Element(X + "SortField")!.Attribute("order")!.Value);
        Assert.Equal("1001", grid.Element(X + "StartRow")!.Value);
        Assert.Equal("1000", grid.Element(X + "NumberOfRows")!.Value);

        var count = Unframe(XElement.Parse(InformzDocuments.GridRequest(Options, new GridQuery("mailing_instance", [], ["x"], "x", 1, 10).CountQuery()))
            .Element(X + "Grids")!);
        Assert.Equal(["Count"], count.Descendants(X + "DataElement").Select(e => e.Value));
        Assert.Empty(count.Descendants(X + "StartRow"));
    }

    [Fact]
    public void The_envelope_carries_the_document_escaped_in_x()
    {
        var document = InformzDocuments.GridRequest(Options, new GridQuery("subscriber", [], ["email"]));

        var envelope = XElement.Parse(System.Text.Encoding.UTF8.GetString(InformzDocuments.Envelope(document)));

        XNamespace soap = "http://schemas.xmlsoap.org/soap/envelope/";
        Assert.Equal(soap + "Envelope", envelope.Name);
        var x = envelope.Element(soap + "Body")!.Element(X + "PostInformzMessage")!.Element(X + "x")!;
        Assert.Equal(document, x.Value);
        Assert.False(x.HasElements);
    }

    [Fact]
    public void Subscribe_follows_the_guide()
    {
        var subscribe = Unframe(XElement.Parse(InformzDocuments.Subscribe(Options, ["News"], InformzInterestAction.AddOrUpdateSubscribers,
            [new InformzSubscriber("steve@example.com", "IND-000321", new Dictionary<string, string?> { ["First_Name"] = "Steve" })]))
            .Element(X + "Actions")!);
        var s = subscribe.Descendants(X + "Subscribe").Single();
        Assert.Equal(["InterestDetails", "SubscriberData"], s.Elements().Select(e => e.Name.LocalName));
        Assert.Equal("AddOrUpdateSubscribers", s.Element(X + "InterestDetails")!.Element(X + "InterestAction")!.Value);
        Assert.Equal(["Email", "ID", "Fields"], s.Descendants(X + "Subscriber").Single().Elements().Select(e => e.Name.LocalName));
        Assert.Throws<ArgumentException>(() => InformzDocuments.Subscribe(Options, ["News"], InformzInterestAction.AddOrUpdateSubscribers,
            Enumerable.Range(0, 1001).Select(i => new InformzSubscriber($"p{i}@example.com")).ToList()));
    }

    [Fact]
    public void The_credentials_stay_plain_and_only_the_payload_is_framed()
    {
        var root = XElement.Parse(InformzDocuments.GridRequest(Options, new GridQuery("subscriber", [], ["email"])));

        Assert.Equal("password", root.Element(X + "Password")!.Value);
        Assert.Equal("testuser", root.Element(X + "User")!.Value);
        var grids = root.Element(X + "Grids")!;
        Assert.DoesNotContain("<", grids.Value, StringComparison.Ordinal);
        Assert.Equal(InformzDocuments.GridPayload(new GridQuery("subscriber", [], ["email"])), InformzFrame.Decode(grids.Value));
    }
}
