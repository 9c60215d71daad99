namespace EmailIntegration.Functions.Security;

/// <summary>
/// The app roles of the API (app roles of its Entra ID app registration, the <c>roles</c> claim of a token). Each HTTP
/// function declares the one it needs with <see cref="RequiresRoleAttribute"/>; docs/security.md lists them per route.
/// </summary>
public static class ApiRoles
{
    /// <summary>The tab, its forms, the page and the profile: reading an individual's e-mail data.</summary>
    public const string TabRead = "Tab.Read";

    /// <summary>The AMS telling us an individual (PUT) or an opt-out.</summary>
    public const string IndividualsWrite = "Individuals.Write";

    /// <summary>Sending a blast and reading its status.</summary>
    public const string BlastsSend = "Blasts.Send";

    /// <summary>The AMS change feed.</summary>
    public const string ChangesRead = "Changes.Read";

    /// <summary>Run logs, replays, poison messages: the operators.</summary>
    public const string Operations = "Operations";

    public static IReadOnlyList<string> All { get; } = [TabRead, IndividualsWrite, BlastsSend, ChangesRead, Operations];
}
