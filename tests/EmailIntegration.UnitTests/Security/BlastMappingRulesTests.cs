using EmailIntegration.Pipeline.Outbound;
using EmailIntegration.Pipeline.Serve;
using EmailIntegration.UnitTests.Outbound;

namespace EmailIntegration.UnitTests.Security;

/// <summary>What the validator checks is what the mapper sends: no case-variant duplicates, no second IndividualId.</summary>
public sealed class BlastMappingRulesTests
{
    private static readonly IOutboundVendor[] Vendors = [OutboundTestSupport.Vendor("realmagnet").Object];

    private static BlastRequest With(Dictionary<string, string?> fields) =>
        OutboundTestSupport.Blast() with { Recipients = [new BlastRecipient("ind-1", fields)] };

    [Theory]
    [InlineData("Email", "email")]
    [InlineData("Email", "EMAIL ")]
    [InlineData("FirstName", " firstname")]
    public void AFieldNamedTwice_IgnoringCaseAndSpaces_IsRefused(string first, string second)
    {
        var fields = new Dictionary<string, string?> { ["Email"] = "good@example.org", [first] = "a@example.org", [second] = "not an address" };

        var ex = Assert.Throws<InvalidRequestException>(() => BlastRequestValidator.Validate(With(fields), Vendors, 10));

        Assert.Equal("recipients[0].fields", ex.Parameter);
    }

    [Theory]
    [InlineData("IndividualId", "ind-2")]
    [InlineData("individualid", "someone-else")]
    [InlineData("IndividualId", "")]
    public void AnIndividualIdFieldThatDiffersFromTheRecipient_IsRefused(string name, string value)
    {
        var fields = new Dictionary<string, string?> { ["Email"] = "a@example.org", [name] = value };

        var ex = Assert.Throws<InvalidRequestException>(() => BlastRequestValidator.Validate(With(fields), Vendors, 10));

        Assert.Equal("recipients[0].fields.IndividualId", ex.Parameter);
    }

    [Fact]
    public void AnIndividualIdFieldEqualToTheRecipient_Passes_AndTheMapperSendsTheValidatedId()
    {
        var fields = new Dictionary<string, string?> { ["Email"] = "a@example.org", ["IndividualId"] = "ind-1" };
        var blast = BlastRequestValidator.Validate(With(fields), Vendors, 10);
        var mapper = new FieldMapper(OutboundTestSupport.Options(o => o.FieldMaps["realmagnet"] = new Dictionary<string, string>
        {
            ["IndividualId"] = "CustomID",
            ["Email"] = "Email",
        }));

        var mapped = mapper.Map("realmagnet", blast.Recipients![0] with { Fields = new Dictionary<string, string?> { ["individualid"] = "ind-2", ["Email"] = "a@example.org" } });

        Assert.Equal("ind-1", mapped.Fields["CustomID"]);
    }
}
