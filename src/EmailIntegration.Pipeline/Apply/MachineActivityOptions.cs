using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Net;
using EmailIntegration.Domain.Rules;

namespace EmailIntegration.Pipeline.Apply;

/// <summary>
/// Which opens and clicks no person made (section "Effects:MachineActivity", validated at start-up with the other effect
/// rules). Defaults and their public sources: docs/machine-activity.md.
/// <code>
/// Effects__MachineActivity__OpenSecondsAfterDelivery  = 2
/// Effects__MachineActivity__ClickSecondsAfterDelivery = 5
/// Effects__MachineActivity__BurstSeconds              = 5
/// Effects__MachineActivity__BurstDistinctLinks        = 3
/// Effects__MachineActivity__TrustVendorFlag           = true
/// Effects__MachineActivity__UserAgents                = Barracuda; Proofpoint; CiscoSecureEmail; Edge/12.246
/// Effects__MachineActivity__IpRanges                  = 192.0.2.0/24; 2001:db8::/32
/// </code>
/// </summary>
public sealed class MachineActivityOptions : IValidatableObject
{
    public const string Section = "MachineActivity";

    /// <summary>An open less than this many seconds from the delivery is a machine's (0: off).</summary>
    [Range(0, 3600)]
    public double OpenSecondsAfterDelivery { get; set; } = MachineActivityRules.Default.OpenWithinOfDelivery.TotalSeconds;

    /// <summary>A click less than this many seconds from the delivery is a machine's (0: off).</summary>
    [Range(0, 3600)]
    public double ClickSecondsAfterDelivery { get; set; } = MachineActivityRules.Default.ClickWithinOfDelivery.TotalSeconds;

    /// <summary>The window, in seconds, in which <see cref="BurstDistinctLinks"/> distinct links of one mailing make a burst.</summary>
    [Range(0, 600)]
    public double BurstSeconds { get; set; } = MachineActivityRules.Default.BurstWindow.TotalSeconds;

    /// <summary>Distinct links of one mailing clicked within <see cref="BurstSeconds"/> that make a burst (0: off; at least 2).</summary>
    [Range(0, 1000)]
    public int BurstDistinctLinks { get; set; } = MachineActivityRules.Default.BurstDistinctLinks;

    /// <summary>Whether a vendor's own machine flag (e.g. SendGrid's sg_machine_open) decides.</summary>
    public bool TrustVendorFlag { get; set; } = MachineActivityRules.Default.TrustVendorFlag;

    /// <summary>';'-separated: a user agent containing one of these (case-insensitive) is a machine's.</summary>
    public string UserAgents { get; set; } = "Barracuda; Proofpoint; CiscoSecureEmail; Edge/12.246";

    /// <summary>';'-separated CIDR ranges (IPv4 or IPv6): activity from an address in one is a machine's.</summary>
    public string IpRanges { get; set; } = string.Empty;

    public MachineActivityRules ToRules() => new(
        TimeSpan.FromSeconds(OpenSecondsAfterDelivery),
        TimeSpan.FromSeconds(ClickSecondsAfterDelivery),
        TimeSpan.FromSeconds(BurstSeconds),
        BurstDistinctLinks,
        TrustVendorFlag,
        List(UserAgents),
        List(IpRanges).Select(r => IPNetwork.Parse(r)));

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (BurstDistinctLinks == 1)
        {
            yield return new ValidationResult(
                "Effects:MachineActivity:BurstDistinctLinks must be 0 (off) or at least 2: one link is no burst.", [nameof(BurstDistinctLinks)]);
        }

        foreach (var range in List(IpRanges).Where(r => !IPNetwork.TryParse(r, out _)))
        {
            yield return new ValidationResult(
                $"Effects:MachineActivity:IpRanges: '{range}' is not a CIDR range such as 192.0.2.0/24.", [nameof(IpRanges)]);
        }
    }

    /// <summary>Every error of these settings, named by their configuration keys.</summary>
    internal IEnumerable<ValidationResult> ValidateAll()
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(this, new ValidationContext(this), results, validateAllProperties: true);
        return results.Select(r => r.ErrorMessage?.StartsWith("Effects:", StringComparison.Ordinal) == true
            ? r
            : new ValidationResult(
                string.Create(CultureInfo.InvariantCulture, $"Effects:MachineActivity:{string.Join(", ", r.MemberNames)}: {r.ErrorMessage}"),
                r.MemberNames));
    }

    private static List<string> List(string value) =>
        value.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();
}
