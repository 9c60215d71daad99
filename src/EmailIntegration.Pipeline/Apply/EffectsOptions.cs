using System.ComponentModel.DataAnnotations;
using EmailIntegration.Domain.Rules;

namespace EmailIntegration.Pipeline.Apply;

/// <summary>
/// The association's effect rules (section "Effects"), validated at start-up. One app setting
/// each, so IT staff can set them in the portal:
/// <code>
/// Effects__MailingTypes                   = Newsletter; Events; Advocacy
/// Effects__AmsHosts                       = www.example-association.org; members.example-association.org
/// Effects__InterestCodes                  = https://www.example-association.org/events/* => EVENTS, MEETINGS | https://www.example-association.org/advocacy/* => ADVOCACY
/// Effects__UserUnknownBouncesBeforeInvalid = 3
/// Effects__MachineActivity__…               (see MachineActivityOptions)
/// </code>
/// </summary>
public sealed class EffectsOptions : IValidatableObject
{
    public const string Section = "Effects";

    /// <summary>The AMS's mailing types, ';'-separated; an unsubscribe from an e-mail group opts out of the type with the same name.</summary>
    public string MailingTypes { get; set; } = string.Empty;

    /// <summary>Hosts of the AMS's own pages, ';'-separated: a click on one is a scored Customer Action.</summary>
    public string AmsHosts { get; set; } = string.Empty;

    /// <summary>'|'-separated rules "URL pattern with * => CODE, CODE".</summary>
    public string InterestCodes { get; set; } = string.Empty;

    [Range(1, 100)]
    public int UserUnknownBouncesBeforeInvalid { get; set; } = 3;

    /// <summary>Which opens and clicks no person made; never scored.</summary>
    public MachineActivityOptions MachineActivity { get; set; } = new();

    public EffectRules ToRules() => new(
        List(MailingTypes, ';'), List(AmsHosts, ';'), ParseInterestCodes(), UserUnknownBouncesBeforeInvalid, MachineActivity.ToRules());

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var host in List(AmsHosts, ';').Where(h => Uri.CheckHostName(h) == UriHostNameType.Unknown))
        {
            yield return new ValidationResult($"Effects:AmsHosts: '{host}' is not a host name.", [nameof(AmsHosts)]);
        }

        foreach (var rule in List(InterestCodes, '|'))
        {
            var parts = rule.Split("=>", 2, StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || parts[0].Length == 0 || List(parts[1], ',').Count == 0)
            {
                yield return new ValidationResult(
                    $"Effects:InterestCodes: '{rule}' must read 'URL pattern => CODE[, CODE]'.", [nameof(InterestCodes)]);
            }
        }

        // Data annotations do not reach into a nested section by themselves.
        foreach (var result in MachineActivity.ValidateAll())
        {
            yield return result;
        }
    }

    private IEnumerable<InterestCodeRule> ParseInterestCodes() =>
        List(InterestCodes, '|')
            .Select(rule => rule.Split("=>", 2, StringSplitOptions.TrimEntries))
            .Where(parts => parts.Length == 2)
            .Select(parts => new InterestCodeRule(parts[0], List(parts[1], ',')));

    private static List<string> List(string value, char separator) =>
        value.Split(separator, StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();
}
