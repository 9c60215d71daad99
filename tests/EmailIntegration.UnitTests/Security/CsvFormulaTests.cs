using System.Text;
using EmailIntegration.Vendors.HighRoad;

namespace EmailIntegration.UnitTests.Security;

/// <summary>Values written to vendor CSV files never start a spreadsheet formula.</summary>
public sealed class CsvFormulaTests
{
    [Theory]
    [InlineData("=HYPERLINK(\"http://evil.example\",\"x\")")]
    [InlineData("+1+cmd|' /C calc'!A0")]
    [InlineData("-2+3")]
    [InlineData("@SUM(A1:A9)")]
    [InlineData("\t=1+1")]
    [InlineData("\r=1+1")]
    public void AValueThatWouldRunAsAFormula_IsWrittenAsText(string value)
    {
        var csv = Encoding.UTF8.GetString(HighRoadCsvWriter.Write(',', ["FirstName"], [[value]]));
        var cell = csv.Split("\r\n")[1];

        Assert.StartsWith("\"'", cell.StartsWith('"') ? cell : "\"" + cell, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"\A""?[=+\-@\t\r]", cell);
    }

    [Theory]
    [InlineData("Ada")]
    [InlineData("a@example.org")]
    [InlineData("O'Brien")]
    public void AnOrdinaryValue_IsWrittenUnchanged(string value)
    {
        var csv = Encoding.UTF8.GetString(HighRoadCsvWriter.Write(',', ["FirstName"], [[value]]));

        Assert.Equal("FirstName\r\n" + value + "\r\n", csv);
    }
}
