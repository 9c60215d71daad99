using System.Text.RegularExpressions;

namespace EmailIntegration.Pipeline;

/// <summary>
/// The id rules every entry point applies: HTTP routes and bodies, and ids that come from vendor data at fan-out.
/// Anchored with <c>\A…\z</c>: <c>$</c> also matches before a trailing newline, so <c>"IND-1\n"</c> would pass a
/// <c>^…$</c> pattern and become a look-alike individual.
/// </summary>
public static partial class Identifiers
{
    public const string IndividualIdRule = "1 to 64 letters, digits, '-', '_' or '.'";

    public const string BlastIdRule = "1 to 64 letters, digits, '-' or '_'";

    public static bool IsIndividualId(string? value) => value is not null && IndividualIdPattern().IsMatch(value);

    public static bool IsBlastId(string? value) => value is not null && BlastIdPattern().IsMatch(value);

    [GeneratedRegex(@"\A[A-Za-z0-9_.-]{1,64}\z", RegexOptions.CultureInvariant)]
    private static partial Regex IndividualIdPattern();

    [GeneratedRegex(@"\A[A-Za-z0-9_-]{1,64}\z", RegexOptions.CultureInvariant)]
    private static partial Regex BlastIdPattern();
}
