namespace EmailIntegration.Domain.Rules;

public static class Normalize
{
    /// <summary>E-mail group and mailing type names match case- and whitespace-insensitively.</summary>
    public static string GroupName(string name) =>
        string.Join(' ', name.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToUpperInvariant();
}
