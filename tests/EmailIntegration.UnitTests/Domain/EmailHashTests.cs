using System.Text;
using EmailIntegration.Domain.Events;
using Xunit;

namespace EmailIntegration.UnitTests.Domain;

public sealed class EmailHashTests
{
    // SHA-256 of the UTF-8 of the trimmed, lower-cased address (computed independently of .NET).
    private const string Member1 = "b909a804a4f737f2a43f0900e3d6bd1adaabcc7fe166944e8a060cd960d20f9b";
    private const string Unicode = "2a8c2ed94ef9ceafa2478f9fa344b93919bdc2408c1c0cbac8a619cc7ef51bdb";

    [Theory]
    [InlineData("member1@example.org", Member1)]
    [InlineData("  Member1@Example.ORG\t\r\n", Member1)]
    [InlineData("\u00a0MEMBER1@EXAMPLE.ORG\u2003", Member1)]
    [InlineData("Ünïcode@Example.org", Unicode)]
    public void The_hash_is_unchanged_for_known_addresses(string address, string expected)
    {
        Assert.Equal(expected, EmailHash.Of(address));
        Assert.Equal(expected, EmailHash.Of(address.AsSpan()));
        Assert.Equal(expected, EmailHash.OfUtf8(Encoding.UTF8.GetBytes(address)));
    }

    [Fact]
    public void A_long_address_beyond_the_stack_buffer_hashes_the_same_way()
    {
        var address = new string('A', 300) + "@Example.org ";

        Assert.Equal("33f475f0ab857dfc9d80c49cf67cae45d06eef107082353e5c8f2fea45be4a41", EmailHash.Of(address));
        Assert.Equal(EmailHash.Of(address), EmailHash.OfUtf8(Encoding.UTF8.GetBytes(address)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\t\u00a0")]
    public void Blank_is_null(string? address)
    {
        Assert.Null(EmailHash.Of(address));
        Assert.Null(EmailHash.Of((address ?? string.Empty).AsSpan()));
        Assert.Null(EmailHash.OfUtf8(Encoding.UTF8.GetBytes(address ?? string.Empty)));
    }

    [Fact]
    public void Invalid_utf8_hashes_as_its_replacement_characters_do()
    {
        byte[] bytes = [(byte)'A', 0xff, (byte)'@', (byte)'x'];

        Assert.Equal(EmailHash.Of(Encoding.UTF8.GetString(bytes)), EmailHash.OfUtf8(bytes));
    }

    [Fact]
    public void Hashing_on_many_threads_at_once_gives_the_same_values()
    {
        var results = new string?[2_000];
        Parallel.For(0, results.Length, i => results[i] = EmailHash.Of(i % 2 == 0 ? " Member1@Example.org" : "Ünïcode@Example.org"));

        Assert.All(results, (hash, i) => Assert.Equal(i % 2 == 0 ? Member1 : Unicode, hash));
    }
}
