using EmailIntegration.Pipeline;
using EmailIntegration.Pipeline.Outbound;
using EmailIntegration.Pipeline.Serve;
using EmailIntegration.UnitTests.Outbound;

namespace EmailIntegration.UnitTests.Security;

/// <summary>Ids end where the value ends: a trailing newline (which <c>$</c> lets through) is refused everywhere.</summary>
public sealed class IdentifierRuleTests
{
    public static TheoryData<string> LookAlikes => new() { "IND-1\n", "IND-1\r\n", "\nIND-1", "IND-1\n\n", "IND 1", "IND-1\u2028" };

    [Theory]
    [MemberData(nameof(LookAlikes))]
    public void AnIndividualIdWithATrailingOrLeadingNewline_IsRefusedByTheRoutes(string id)
    {
        var ex = Assert.Throws<InvalidRequestException>(() => EmailIntegrationTabReader.EnsureValidIndividualId(id));

        Assert.Equal("individualId", ex.Parameter);
    }

    [Theory]
    [MemberData(nameof(LookAlikes))]
    public void ABlastIdWithANewline_IsRefused_InTheBodyAndTheRoute(string id)
    {
        Assert.Equal("blastId", Assert.Throws<InvalidRequestException>(() =>
            BlastRequestValidator.Validate(OutboundTestSupport.Blast(blastId: id), [OutboundTestSupport.Vendor("realmagnet").Object], 10)).Parameter);
        Assert.Equal("blastId", Assert.Throws<InvalidRequestException>(() => BlastRequestValidator.EnsureValidBlastId(id)).Parameter);
    }

    [Theory]
    [MemberData(nameof(LookAlikes))]
    public void ABlastRecipientIdWithANewline_IsRefused(string id)
    {
        var blast = OutboundTestSupport.Blast() with { Recipients = [OutboundTestSupport.Recipient(id)] };

        var ex = Assert.Throws<InvalidRequestException>(() => BlastRequestValidator.Validate(blast, [OutboundTestSupport.Vendor("realmagnet").Object], 10));

        Assert.Equal("recipients[0].individualId", ex.Parameter);
    }

    [Theory]
    [InlineData("IND-1")]
    [InlineData("a.b_c-D9")]
    public void AWellFormedId_Passes(string id)
    {
        Assert.True(Identifiers.IsIndividualId(id));
        EmailIntegrationTabReader.EnsureValidIndividualId(id);
    }

    [Fact]
    public void SixtyFourCharacters_Pass_AndSixtyFive_DoNot()
    {
        Assert.True(Identifiers.IsIndividualId(new string('a', 64)));
        Assert.False(Identifiers.IsIndividualId(new string('a', 65)));
        Assert.False(Identifiers.IsBlastId(new string('b', 64) + "\n"));
    }
}
