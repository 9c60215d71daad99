using System.Text.RegularExpressions;

namespace EmailIntegration.Domain.Rules;

/// <summary>
/// The association's own rules for what an event means beyond its child-form row: which mailing
/// types exist (an unsubscribe from an e-mail group opts out of the matching types), which hosts
/// are the AMS's own (a click there is a scored Customer Action), which URLs mean which interest
/// codes, how many "user unknown" bounces make an address invalid, and which opens and clicks are a machine's.
/// </summary>
public sealed class EffectRules
{
    public static readonly EffectRules None = new([], [], [], 3);

    private readonly Dictionary<string, string> mailingTypesByNormalizedName;
    private readonly HashSet<string> amsHosts;
    private readonly IReadOnlyList<(Regex Pattern, IReadOnlyList<string> Codes)> interestCodes;

    public EffectRules(
        IEnumerable<string> mailingTypes,
        IEnumerable<string> amsHosts,
        IEnumerable<InterestCodeRule> interestCodeRules,
        int userUnknownBouncesBeforeInvalid,
        MachineActivityRules? machineActivity = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(userUnknownBouncesBeforeInvalid, 1);
        mailingTypesByNormalizedName = mailingTypes
            .GroupBy(Normalize.GroupName)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        this.amsHosts = amsHosts.Select(h => h.Trim().ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
        interestCodes = interestCodeRules.Select(r => (Glob(r.UrlPattern), (IReadOnlyList<string>)r.Codes.ToList())).ToList();
        UserUnknownBouncesBeforeInvalid = userUnknownBouncesBeforeInvalid;
        MachineActivity = machineActivity ?? MachineActivityRules.Default;
    }

    public int UserUnknownBouncesBeforeInvalid { get; }

    /// <summary>Which opens and clicks no person made: kept on their rows, never scored.</summary>
    public MachineActivityRules MachineActivity { get; }

    /// <summary>Every configured mailing type: an unsubscribe with no e-mail group is an unsubscribe from all of them.</summary>
    public IReadOnlyList<string> MailingTypes => mailingTypesByNormalizedName.Values.Order(StringComparer.Ordinal).ToList();

    /// <summary>The mailing types an unsubscribe opts out of: the matching one, or all when it names no group.</summary>
    public IReadOnlyList<string> MailingTypesOptedOutBy(string? emailGroup) =>
        string.IsNullOrWhiteSpace(emailGroup) ? MailingTypes : MailingTypesMatching(emailGroup);

    /// <summary>
    /// The mailing types a resubscribe opts back in to: only the matching one. Unlike an unsubscribe, no group means none:
    /// opting someone in to every type takes an explicit choice, which a vendor event without a group is not.
    /// </summary>
    public IReadOnlyList<string> MailingTypesOptedInBy(string? emailGroup) => MailingTypesMatching(emailGroup);

    /// <summary>The configured mailing types whose name matches the e-mail group (case- and whitespace-insensitive).</summary>
    public IReadOnlyList<string> MailingTypesMatching(string? emailGroup) =>
        emailGroup is not null && mailingTypesByNormalizedName.TryGetValue(Normalize.GroupName(emailGroup), out var type)
            ? [type]
            : [];

    public bool IsAmsLink(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && amsHosts.Contains(uri.Host.ToLowerInvariant());

    /// <summary>Interest codes of every rule whose URL pattern matches, each once, in a stable order.</summary>
    public IReadOnlyList<string> InterestCodesFor(string url) =>
        interestCodes.Where(r => r.Pattern.IsMatch(url)).SelectMany(r => r.Codes)
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    /// <summary>'*' matches any run of characters; everything else is literal; case-insensitive.</summary>
    private static Regex Glob(string pattern) =>
        // Linear-time matching: no backtracking to bound, so no timeout that a CPU-starved host could hit.
        new(@"\A" + Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal) + @"\z",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
}

/// <param name="UrlPattern">A URL with '*' wildcards, e.g. <c>https://www.example.org/events/*</c>.</param>
public sealed record InterestCodeRule(string UrlPattern, IReadOnlyList<string> Codes);
