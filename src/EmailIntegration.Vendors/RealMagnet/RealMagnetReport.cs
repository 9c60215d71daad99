using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace EmailIntegration.Vendors.RealMagnet;

/// <summary>The GetDetailedTracking reports the nightly fetch asks for, one call series per message.</summary>
/// <remarks>
/// Report names are the vendor's <c>tracking_report_type</c> (MagnetMail SOAP WSDL, https://hlma-apie1.magnetmail.net/mmapi.asmx?WSDL;
/// a copy in public repository MemberJunction/MJ at packages/Integration/connectors-registry/magnetmail/scripts/wsdl.xml).
/// Separate reports rather than <c>all</c>: what a row of <c>all</c> stands for (one per recipient with its latest status, or one
/// per event) is not published, while each separate report says by its name what its rows are, so the file kind decides the
/// event and a gross open is never folded into a send row. <c>email_sent</c> would repeat delivered + bounced, and
/// <c>unsubscribed</c> lacks the e-mail group that GetUnsubscribes gives; <c>links</c> is covered by GetMessageLinkTracking.
/// </remarks>
public enum RealMagnetReport
{
    /// <summary><c>email_delivered</c>: Status Delivered rows.</summary>
    Delivered,

    /// <summary><c>email_bounced</c>: Status SB/HB/UNF/TU/MF/BD/Failed rows.</summary>
    Bounced,

    /// <summary><c>email_opened</c>: a row per open, at its OpenDate.</summary>
    Opened,

    /// <summary><c>fax_all</c>: every fax with its faxStatus (Delivered, Failed, Inprogress).</summary>
    Fax,
}

/// <summary>The vendor's report names and the landed file kinds that carry the message id (<c>delivered480123</c>).</summary>
public static class RealMagnetReports
{
    public static readonly IReadOnlyList<RealMagnetReport> Nightly =
        [RealMagnetReport.Delivered, RealMagnetReport.Bounced, RealMagnetReport.Opened, RealMagnetReport.Fax];

    /// <summary>The <c>ReportType</c> value the vendor takes.</summary>
    public static string VendorName(RealMagnetReport report) => report switch
    {
        RealMagnetReport.Delivered => "email_delivered",
        RealMagnetReport.Bounced => "email_bounced",
        RealMagnetReport.Opened => "email_opened",
        RealMagnetReport.Fax => "fax_all",
        _ => throw new ArgumentOutOfRangeException(nameof(report)),
    };

    /// <summary>
    /// The landed kind: the report's prefix and the message id, letters and digits only (a landed kind allows no more).
    /// The rows of a detailed-tracking page do not carry their message id, so the file name does.
    /// </summary>
    public static string Kind(RealMagnetReport report, long messageId) =>
        Prefix(report) + messageId.ToString(CultureInfo.InvariantCulture);

    public static bool TryParseKind(string kind, out RealMagnetReport report, [NotNullWhen(true)] out string? messageId)
    {
        foreach (var candidate in Nightly)
        {
            var prefix = Prefix(candidate);
            if (kind.Length > prefix.Length && kind.Length <= prefix.Length + 18
                && kind.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
                && long.TryParse(kind.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                report = candidate;
                messageId = id.ToString(CultureInfo.InvariantCulture);
                return true;
            }
        }

        report = default;
        messageId = null;
        return false;
    }

    private static string Prefix(RealMagnetReport report) => report switch
    {
        RealMagnetReport.Delivered => "delivered",
        RealMagnetReport.Bounced => "bounced",
        RealMagnetReport.Opened => "opened",
        RealMagnetReport.Fax => "fax",
        _ => throw new ArgumentOutOfRangeException(nameof(report)),
    };
}
