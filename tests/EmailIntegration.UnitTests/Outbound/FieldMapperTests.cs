using EmailIntegration.Pipeline.Outbound;

namespace EmailIntegration.UnitTests.Outbound;

public sealed class FieldMapperTests
{
    [Fact]
    public void MapsAmsFieldsToTheVendorsNames_AndTakesIndividualIdFromTheRecipient()
    {
        var mapper = new FieldMapper(OutboundTestSupport.Options());

        var mapped = mapper.Map("realmagnet", new BlastRecipient("ind-7", new Dictionary<string, string?>
        {
            ["email"] = " a@example.org ", ["FirstName"] = "Ada", ["Shoe size"] = "42",
        }));

        Assert.Equal("ind-7", mapped.IndividualId);
        Assert.Equal("a@example.org", mapped.Fields["Email"]);
        Assert.Equal("Ada", mapped.Fields["FirstName"]);
        Assert.Equal("ind-7", mapped.Fields["CustomMemberID"]);
        Assert.Null(mapped.Fields["LastName"]);
        Assert.DoesNotContain("Shoe size", mapped.Fields.Keys);
    }

    [Fact]
    public void AConfiguredMap_ReplacesTheDefault()
    {
        var mapper = new FieldMapper(OutboundTestSupport.Options(o => o.FieldMaps["HighRoad"] = new(StringComparer.OrdinalIgnoreCase)
        {
            ["IndividualId"] = "Member ID", ["Email"] = "Email Address", ["Chapter"] = "Chapter Code",
        }));

        var mapped = mapper.Map("highroad", new BlastRecipient("ind-1", new Dictionary<string, string?> { ["Email"] = "x@example.org", ["Chapter"] = "NE" }));

        Assert.Equal(["Chapter Code", "Email Address", "Member ID"], mapper.Columns("highroad").Order(StringComparer.Ordinal));
        Assert.Equal("NE", mapped.Fields["Chapter Code"]);
        Assert.Equal("x@example.org", mapped.Fields["Email Address"]);
        Assert.Equal("ind-1", mapped.Fields["Member ID"]);
        Assert.DoesNotContain("First Name", mapped.Fields.Keys);
    }

    [Theory]
    [InlineData("realmagnet", "CustomMemberID")]
    [InlineData("informz", "ID")]
    [InlineData("highroad", "Individual ID")]
    public void EveryVendorsDefaultMap_CarriesTheAmsId(string vendor, string field)
    {
        var mapped = new FieldMapper(OutboundTestSupport.Options()).Map(vendor, OutboundTestSupport.Recipient("ind-3"));

        Assert.Equal("ind-3", mapped.Fields[field]);
    }

    [Fact]
    public void MailingTypeMaps_IgnoreCaseAndWhitespace()
    {
        var map = new Dictionary<string, string> { ["Continuing Education"] = "77" };

        Assert.Equal("77", OutboundOptions.ForMailingType(map, "  continuing   EDUCATION "));
        Assert.Null(OutboundOptions.ForMailingType(map, "Events"));
    }

    [Fact]
    public void OptionsValidation_RejectsANonNumericCategory_AndTwoFieldsOnOneVendorField()
    {
        var options = new OutboundOptions();
        options.RealMagnet.Categories["Events"] = "twelve";
        options.FieldMaps["informz"] = new() { ["Email"] = "Email", ["WorkEmail"] = "Email" };

        var errors = options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).ToList();

        Assert.Equal(2, errors.Count);
        Assert.DoesNotContain(errors, e => e.ErrorMessage!.Contains("twelve", StringComparison.Ordinal));
    }
}
