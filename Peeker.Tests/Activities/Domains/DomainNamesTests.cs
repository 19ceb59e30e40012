using Peeker.Activities.Domains;

namespace Peeker.Tests.Activities.Domains;

/// <summary>
/// IDN handling needs ICU (UTS #46 mapping and NFC normalisation): in invariant globalization mode .NET's
/// <see cref="IdnMapping"/> skips both, so a decomposed name got a different punycode from the one the customer meant.
/// </summary>
public sealed class DomainNamesTests
{
    [Theory]
    [InlineData("café.com", "xn--caf-dma.com")]
    [InlineData("bücher.de", "xn--bcher-kva.de")]
    [InlineData("münchen.de", "xn--mnchen-3ya.de")]
    [InlineData("例え.jp", "xn--r8jz45g.jp")]
    [InlineData("xn--caf-dma.com", "xn--caf-dma.com")]
    [InlineData(" Acme.COM. ", "acme.com")]
    public void Normalize_IdnName_GivesItsPunycode(string input, string expected)
    {
        Assert.Equal(expected, DomainNames.Normalize(input));
    }

    [Fact]
    public void Normalize_DecomposedAccent_SameAsPrecomposed()
    {
        const string Precomposed = "caf\u00e9.com";
        const string Decomposed = "cafe\u0301.com";

        var fromDecomposed = DomainNames.Normalize(Decomposed);

        Assert.Equal(DomainNames.Normalize(Precomposed), fromDecomposed);
        Assert.Equal("xn--caf-dma.com", fromDecomposed);
    }

    [Fact]
    public void Normalize_UppercaseNonAscii_MapsToLowercasePunycode()
    {
        Assert.Equal("xn--caf-dma.com", DomainNames.Normalize("CAF\u00c9.COM"));
    }

    [Fact]
    public void Normalize_FullwidthLetters_MapToAscii()
    {
        // UTS #46 maps compatibility forms: fullwidth "ａｃｍｅ" is "acme".
        Assert.Equal("acme.com", DomainNames.Normalize("\uff41\uff43\uff4d\uff45.com"));
    }

    [Theory]
    [InlineData("exa mple.com")]
    [InlineData("-acme.com")]
    [InlineData("acme")]
    [InlineData("ac\u0000me.com")]
    public void Normalize_InvalidName_ReturnsNull(string input)
    {
        Assert.Null(DomainNames.Normalize(input));
    }
}
