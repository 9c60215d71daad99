using System.Buffers.Binary;
using EmailIntegration.Vendors.Informz;

namespace EmailIntegration.UnitTests.Vendors.Informz;

/// <summary>
/// The payload framing against the vendor's published example: Higher Logic "Making the Call"
/// (https://support.higherlogic.com/hc/en-us/articles/360044600992-Making-the-Call), whose Grid node of 451 characters frames
/// to a base64 string starting <c>wwEAAB+LCAAA…</c>.
/// </summary>
public class InformzFrameTests
{
    /// <summary>The example's payload ("just the Grid node ... with white space removed ... with a length of 451").</summary>
    private const string PublishedPayload =
        "<Grid type=\"mailing_instance\" xmlns=\"http://partner.informz.net/aapi/2009/08/\"><Conditions><Condition><Single>"
        + "<DataElement>Mailing_Date</DataElement><DataValue>2011-09-01</DataValue><Comparator>GTE</Comparator></Single></Condition>"
        + "<Condition><Single><DataElement>Mailing_Date</DataElement><DataValue>2011-09-02</DataValue><Comparator>LT</Comparator>"
        + "</Single></Condition></Conditions><ReturnFields><DataElement>Count</DataElement></ReturnFields></Grid>";

    /// <summary>The start of the example's published result, as printed on the page.</summary>
    private const string PublishedResultStart = "wwEAAB+LCAAAAAAABADsvQdg";

    [Fact]
    public void The_published_payload_is_451_long_and_frames_to_the_published_prefix()
    {
        Assert.Equal(451, PublishedPayload.Length);

        var framed = InformzFrame.Encode(PublishedPayload);

        // c3 01 00 00 = 451 little-endian, then 1f 8b 08 00 00: gzip, deflate, no flags, mtime 0.
        Assert.StartsWith("wwEAAB+LCAAA", framed, StringComparison.Ordinal);
        Assert.Equal(451, InformzFrame.DeclaredLength(framed));
        Assert.Equal(PublishedPayload, InformzFrame.Decode(framed));
    }

    [Fact]
    public void The_published_result_declares_451_little_endian_then_gzip()
    {
        var head = Convert.FromBase64String(PublishedResultStart);

        Assert.Equal(451, BinaryPrimitives.ReadInt32LittleEndian(head));
        Assert.Equal(new byte[] { 0x1f, 0x8b, 0x08 }, head[4..7]);
        Assert.Equal(451, InformzFrame.DeclaredLength(PublishedResultStart));
    }

    [Fact]
    public void The_length_is_of_the_utf8_bytes()
    {
        var framed = InformzFrame.Encode("<Field element=\"name\">Zoë</Field>");

        Assert.Equal(34, InformzFrame.DeclaredLength(framed));
        Assert.Equal("<Field element=\"name\">Zoë</Field>", InformzFrame.Decode(framed));
    }

    public static TheoryData<string, string> BadFrames()
    {
        var good = Convert.FromBase64String(InformzFrame.Encode(PublishedPayload));
        var wrongLength = good.ToArray();
        BinaryPrimitives.WriteInt32LittleEndian(wrongLength, 450);
        var huge = good.ToArray();
        BinaryPrimitives.WriteInt32LittleEndian(huge, int.MaxValue);
        var cutOff = good[..(good.Length - 12)];
        var noGzip = good.ToArray();
        noGzip[4] = (byte)'<';
        return new TheoryData<string, string>
        {
            { "", "empty" },
            { "<Grid type=\"subscriber\"/>", "not base64" },
            { Convert.ToBase64String([1, 2, 3]), "too few" },
            { Convert.ToBase64String(noGzip), "no gzip" },
            { Convert.ToBase64String(wrongLength), "more than the 450" },
            { Convert.ToBase64String(huge), "outside" },
            { Convert.ToBase64String(cutOff), "cut off" },
        };
    }

    [Theory]
    [MemberData(nameof(BadFrames))]
    public void An_unframed_or_broken_payload_is_refused_with_the_reason(string framed, string reason)
    {
        var ex = Assert.Throws<InformzFrameException>(() => InformzFrame.Decode(framed));

        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }
}
