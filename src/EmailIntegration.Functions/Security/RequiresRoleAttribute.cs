namespace EmailIntegration.Functions.Security;

/// <summary>
/// Who may call an HTTP function: a bearer token whose <c>roles</c> claim holds <see cref="Role"/> (else 401 without a
/// valid token, 403 without the role). Put it on the <c>[Function]</c> method:
/// <code>[Function("GetThing")] [RequiresRole(ApiRoles.TabRead)] public Task&lt;IActionResult&gt; Run(...)</code>
/// A function with neither this nor <see cref="NoRoleAttribute"/> is refused to everyone (403).
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class RequiresRoleAttribute(string role) : Attribute
{
    public string Role { get; } = role;

    /// <summary>
    /// A GET of this route may instead carry a signed view link (<c>viewToken</c>) for the route's <c>{individualId}</c>:
    /// read-only, short-lived, for embedding the tab in a profile screen without a credential in the URL.
    /// </summary>
    public bool ViewLink { get; init; }
}

/// <summary>
/// An HTTP function that checks no token, and why: the OpenAPI document (no data), or a machine caller that cannot do
/// Entra ID and is authenticated by its own per-function key (<c>AuthorizationLevel.Function</c>).
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class NoRoleAttribute(string reason) : Attribute
{
    public string Reason { get; } = reason;
}
