using EmailIntegration.Pipeline.Outbound;
using EmailIntegration.Pipeline.Serve;

namespace EmailIntegration.UnitTests.Outbound;

public sealed class BlastRequestValidatorTests
{
    private static readonly IOutboundVendor[] Vendors =
    [
        OutboundTestSupport.Vendor("realmagnet").Object,
        OutboundTestSupport.Vendor("informz", enabled: false).Object,
        OutboundTestSupport.Vendor("highroad").Object,
    ];

    [Fact]
    public void AValidBlast_PassesWithItsVendorInLowerCase()
    {
        var valid = BlastRequestValidator.Validate(OutboundTestSupport.Blast("RealMagnet") with { MailingType = " Newsletter " }, Vendors, 10_000);

        Assert.Equal("realmagnet", valid.Vendor);
        Assert.Equal("Newsletter", valid.MailingType);
    }

    [Theory]
    [InlineData("mailchimp", "vendor")]
    [InlineData("informz", "vendor")]
    public void AnUnknownOrDisabledVendor_IsRejected(string vendor, string parameter)
    {
        var ex = Assert.Throws<InvalidRequestException>(() => BlastRequestValidator.Validate(OutboundTestSupport.Blast(vendor), Vendors, 10_000));

        Assert.Equal(parameter, ex.Parameter);
    }

    [Fact]
    public void MoreRecipientsThanTheLimit_AreRejected()
    {
        var ex = Assert.Throws<InvalidRequestException>(() => BlastRequestValidator.Validate(OutboundTestSupport.Blast(recipients: 11), Vendors, 10));

        Assert.Equal("recipients", ex.Parameter);
    }

    [Fact]
    public void ABadAddress_IsRejectedWithoutEchoingIt()
    {
        var blast = new BlastRequest(null, "highroad", "Events", [OutboundTestSupport.Recipient("ind-1"), OutboundTestSupport.Recipient("ind-2", email: "secret-person.example.org")]);

        var ex = Assert.Throws<InvalidRequestException>(() => BlastRequestValidator.Validate(blast, Vendors, 10_000));

        Assert.Equal("recipients[1].fields.Email", ex.Parameter);
        Assert.DoesNotContain("secret", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "Newsletter", "ind-1", "ind-2", "recipients[0].individualId")]
    [InlineData("bad id!", "Newsletter", "ind-1", "ind-2", "blastId")]
    [InlineData(null, "", "ind-1", "ind-2", "mailingType")]
    [InlineData(null, "Newsletter", "ind-1", "ind-1", "recipients[1].individualId")]
    public void EachProblem_NamesItsParameter(string? blastId, string mailingType, string first, string second, string parameter)
    {
        var recipients = new List<BlastRecipient> { OutboundTestSupport.Recipient(first), OutboundTestSupport.Recipient(second) };
        if (parameter == "recipients[0].individualId")
        {
            recipients[0] = recipients[0] with { IndividualId = "has space" };
        }

        var ex = Assert.Throws<InvalidRequestException>(() =>
            BlastRequestValidator.Validate(new BlastRequest(blastId, "realmagnet", mailingType, recipients), Vendors, 10_000));

        Assert.Equal(parameter, ex.Parameter);
    }

    [Fact]
    public void TheDeterministicId_DependsOnTheContentOnly()
    {
        Assert.Equal(OutboundIds.BlastId(OutboundTestSupport.Blast()), OutboundIds.BlastId(OutboundTestSupport.Blast()));
        Assert.NotEqual(OutboundIds.BlastId(OutboundTestSupport.Blast()), OutboundIds.BlastId(OutboundTestSupport.Blast(recipients: 3)));
        Assert.Matches("^b-[0-9a-f]{32}$", OutboundIds.BlastId(OutboundTestSupport.Blast()));
    }
}
