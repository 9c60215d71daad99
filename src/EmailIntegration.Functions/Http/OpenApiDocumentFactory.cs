using System.Reflection;
using System.Text.Json;
using EmailIntegration.Pipeline.Serve;
using Microsoft.OpenApi;

namespace EmailIntegration.Functions.Http;

/// <summary>
/// The OpenAPI 3.1 description of the tab API, built in code from <see cref="ChildForms"/>: every
/// form's paging route, the tab, the page and this document, with their parameters and responses.
/// Item schemas come from the item records by reflection, so a new form is described by its row.
/// </summary>
public static class OpenApiDocumentFactory
{
    public const string ProblemSchema = "ProblemDetails";
    public const string FlagsSchema = "ProfileFlags";
    public const string TabSchema = "EmailIntegrationTab";

    private static readonly NullabilityInfoContext Nullability = new();

    public static OpenApiDocument Create()
    {
        var document = new OpenApiDocument
        {
            Info = new OpenApiInfo
            {
                Title = "E-Mail Integration tab API",
                Version = "1.0",
                Description = "The E-Mail Integration tab of the profile screens. Lists are newest first and paged with signed, " +
                    "opaque continuation tokens that are bound to the list and to the filters they were issued for.",
            },
            Servers = [new OpenApiServer { Url = "/api" }],
            Components = new OpenApiComponents
            {
                Schemas = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal),
                SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>(StringComparer.Ordinal)
                {
                    ["bearer"] = new OpenApiSecurityScheme
                    {
                        Type = SecuritySchemeType.Http, Scheme = "bearer", BearerFormat = "JWT",
                        Description = "An Entra ID access token whose roles claim holds the route's role (docs/security.md).",
                    },
                    ["viewLink"] = new OpenApiSecurityScheme
                    {
                        Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Query, Name = "viewToken",
                        Description = "A read-only view link for the route's individual (POST /individuals/{individualId}/view-links); tab routes only.",
                    },
                },
            },
            Paths = [],
        };
        document.Security =
        [
            new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("bearer", document)] = [] },
            new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("viewLink", document)] = [] },
        ];

        var schemas = document.Components.Schemas!;
        schemas[ProblemSchema] = Problem();
        schemas[FlagsSchema] = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "The profile's flags; null means unknown.",
            Required = new HashSet<string> { "emailInvalid", "doNotEmail" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["emailInvalid"] = new OpenApiSchema { Type = JsonSchemaType.Boolean | JsonSchemaType.Null },
                ["doNotEmail"] = new OpenApiSchema { Type = JsonSchemaType.Boolean | JsonSchemaType.Null },
            },
            AdditionalPropertiesAllowed = false,
        };

        var tab = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "The profile flags and the first page of every child form.",
            Required = new HashSet<string> { "individualId", "flags" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["individualId"] = new OpenApiSchema { Type = JsonSchemaType.String },
                ["flags"] = new OpenApiSchemaReference(FlagsSchema, document),
            },
            AdditionalPropertiesAllowed = false,
        };
        schemas[TabSchema] = tab;

        foreach (var form in ChildForms.All)
        {
            var itemName = ItemSchemaName(form);
            schemas[itemName] = ItemSchema(form.ItemType);
            var pageName = PageSchemaName(form);
            schemas[pageName] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = $"One page of {form.Title.ToLowerInvariant()}, newest first.",
                Required = new HashSet<string> { "items", "continuationToken" },
                Properties = new Dictionary<string, IOpenApiSchema>
                {
                    ["items"] = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchemaReference(itemName, document) },
                    ["continuationToken"] = new OpenApiSchema
                    {
                        Type = JsonSchemaType.String | JsonSchemaType.Null,
                        Description = "Pass it back, with the same filters, for the next page; null on the last page.",
                    },
                },
                AdditionalPropertiesAllowed = false,
            };
            tab.Properties[form.JsonName] = new OpenApiSchemaReference(pageName, document);
            tab.Required.Add(form.JsonName);

            document.Paths["/" + form.Route] = Get(document, $"Get{Pascal(form.Segment)}Page",
                $"One page of {form.Title.ToLowerInvariant()}", [.. Filters(), ContinuationToken()],
                "application/json", new OpenApiSchemaReference(pageName, document), "The page.");
        }

        document.Paths["/" + Routes.EmailIntegrationTab] = Get(document, nameof(GetEmailIntegrationTab),
            "The tab: profile flags and the first page of every child form", Filters(),
            "application/json", new OpenApiSchemaReference(TabSchema, document), "The tab.");

        document.Paths["/" + Routes.EmailIntegrationView] = Get(document, nameof(GetEmailIntegrationView),
            "The tab as one HTML page", [.. Filters(), .. ChildForms.All.Select(ViewToken)],
            "text/html", new OpenApiSchema { Type = JsonSchemaType.String }, "The page.");

        var openApi = Get(document, nameof(GetOpenApiDocument), "This document", [], "application/json",
            new OpenApiSchema { Type = JsonSchemaType.Object }, "The OpenAPI document.", individual: false);
        foreach (var operation in openApi.Operations!.Values)
        {
            operation.Security = [];
            operation.Responses!.Remove("401");
        }

        document.Paths["/" + Routes.OpenApiDocument] = openApi;
        AddIndividualAndRunRoutes(document);
        return document;
    }

    /// <summary>The AMS's individual routes and the operator's run routes (bodies described as objects; see the README).</summary>
    private static void AddIndividualAndRunRoutes(OpenApiDocument document)
    {
        var individual = new OpenApiPathItem();
        individual.AddOperation(HttpMethod.Put, Operation(document, "PutIndividual",
            "The AMS sends an individual: {email, doNotEmail?, communicationPreferences?: [{mailingType, optedOut, changedAt?}], clearDoNotEmail?}",
            [IndividualId()], requestBody: true, "200", "The individual's e-mail profile."));
        document.Paths["/" + Routes.Individual] = individual;

        var profile = new OpenApiPathItem();
        profile.AddOperation(HttpMethod.Get, Operation(document, "GetIndividualProfile",
            "E-mail, emailValid, doNotEmail, communication preferences, customer actions and interest activities",
            [IndividualId()], requestBody: false, "200", "The individual's e-mail profile."));
        document.Paths["/" + Routes.IndividualProfile] = profile;

        var runId = new OpenApiParameter
        {
            Name = "runId", In = ParameterLocation.Path, Required = true, Description = "A run id as the fetch prints it.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^[A-Za-z0-9-]{1,120}$" },
        };
        var run = new OpenApiPathItem();
        run.AddOperation(HttpMethod.Get, Operation(document, "GetRunLog",
            "A night's run log: fetches per vendor, landed files, issues", [runId], requestBody: false, "200", "The run log."));
        document.Paths["/" + Routes.Run] = run;

        var optOut = new OpenApiPathItem();
        optOut.AddOperation(HttpMethod.Post, Operation(document, "PostOptOut",
            "An opt-out made in the AMS: {mailingType, optedOutAt?}; recorded on the individual and pushed to every enabled vendor",
            [IndividualId()], requestBody: true, "202", "The opt-out and its push status."));
        document.Paths["/" + Routes.IndividualOptOuts] = optOut;

        var blastId = new OpenApiParameter
        {
            Name = "blastId", In = ParameterLocation.Path, Required = true, Description = "The blast's id.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String },
        };
        var blasts = new OpenApiPathItem();
        blasts.AddOperation(HttpMethod.Post, Operation(document, "PostBlast",
            "A blast's recipients: {blastId?, vendor, mailingType, recipients: [{individualId, fields}]}; landed, then pushed to the vendor",
            [], requestBody: true, "202", "The blast's status; Location names its status route."));
        document.Paths["/" + Routes.Blasts] = blasts;
        var blast = new OpenApiPathItem();
        blast.AddOperation(HttpMethod.Get, Operation(document, "GetBlast", "A blast's status", [blastId], requestBody: false, "200", "The status."));
        document.Paths["/" + Routes.Blast] = blast;

        var suppressed = new OpenApiPathItem();
        var suppressedOperation = Operation(document, "GetBlastSuppressed",
            "Who the blast's push held back and why: {blastId, decidedAt, items: [{individualId, reason: emailInvalid|doNotEmail|optedOut|erased}], continuationToken}; ids and reasons, never addresses",
            [blastId, PageSize(PageRequest.DefaultPageSize, PageRequest.MaxPageSize), ContinuationToken()], requestBody: false, "200", "One page of held-back recipients, in the blast's order.");
        suppressed.AddOperation(HttpMethod.Get, suppressedOperation);
        document.Paths["/" + Routes.BlastSuppressed] = suppressed;

        var changes = new OpenApiPathItem();
        var changesOperation = Operation(document, "GetChanges",
            "The AMS change feed: {items: [{changeId, individualId, kind: emailValid|doNotEmail|communicationPreference|customerActionCreated|interestActivityCreated|bounce|erased, value, changedAt}], cursor, more}, in commit order, at least once",
            [
                PageSize(Pipeline.Changes.ChangeFeed.DefaultPageSize, Pipeline.Changes.ChangeFeed.MaxPageSize),
                new OpenApiParameter
                {
                    Name = "after", In = ParameterLocation.Query,
                    Description = "The cursor of the previous page (opaque, signed); none to start from the first change.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                },
            ],
            requestBody: false, "200", "One page of changes and the cursor to read on from.");
        changesOperation.Responses!.Remove("404");
        changes.AddOperation(HttpMethod.Get, changesOperation);
        document.Paths["/" + Routes.Changes] = changes;

        var replay = new OpenApiPathItem();
        replay.AddOperation(HttpMethod.Post, Operation(document, "ReplayRun",
            "Lands the run's files again under a new run id; the blob trigger fans them out (404 for a run that landed nothing)", [runId],
            requestBody: false, "202", "The replay's run id and file count."));
        document.Paths["/" + Routes.RunReplay] = replay;

        var service = new OpenApiParameter
        {
            Name = "service", In = ParameterLocation.Path, Required = true, Description = "The e-mail service that signs the request.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^(sendgrid|mailgun|ses|postmark)$" },
        };
        var webhook = new OpenApiPathItem();
        var receive = Operation(document, "ReceiveWebhook",
            "An e-mail service's event webhook, authenticated by the service's own signature or credentials (no function key); the raw body is landed once and applied by the pipeline",
            [service], requestBody: true, "200", "{status: landed | duplicate | confirmed}.");
        receive.Responses!["401"] = ProblemResponse(document, "Unsigned, a bad signature or credentials, or a signed time outside the replay window.");
        receive.Responses["404"] = ProblemResponse(document, "No webhook is served for this service.");
        receive.Responses["413"] = ProblemResponse(document, "The body is over the service's limit.");
        webhook.AddOperation(HttpMethod.Post, receive);
        document.Paths["/" + Routes.Webhook] = webhook;
        var viewLinks = new OpenApiPathItem();
        viewLinks.AddOperation(HttpMethod.Post, Operation(document, "CreateViewLink",
            "A short-lived, read-only link to the individual's page for embedding: {url, expiresAt} (docs/security.md)", [IndividualId()],
            requestBody: false, "201", "The view link."));
        document.Paths["/" + Routes.IndividualViewLinks] = viewLinks;
        AddOperationsRoutes(document, runId);
        AddErasureRoutes(document, individual);
    }

    /// <summary>DELETE of an individual (beside its PUT) and the erasure's report.</summary>
    private static void AddErasureRoutes(OpenApiDocument document, OpenApiPathItem individual)
    {
        var delete = Operation(document, "DeleteIndividual",
            "Forget the individual everywhere and keep them forgotten (README, Erasure): {erasureId, status, requestedAt, completedAt, removed: {store: count}, passes}; repeatable, an unknown id is erased with zero counts",
            [IndividualId()], requestBody: false, "202", "The erasure; Location names its report.");
        delete.Responses!.Remove("404");
        individual.AddOperation(HttpMethod.Delete, delete);

        var erasure = new OpenApiPathItem();
        erasure.AddOperation(HttpMethod.Get, Operation(document, "GetErasure", "What an erasure removed, per store, with counts",
            [new OpenApiParameter
            {
                Name = "erasureId", In = ParameterLocation.Path, Required = true, Description = "The erasure id a DELETE answered.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^er-[0-9a-f]{32}$" },
            }],
            requestBody: false, "200", "The erasure."));
        document.Paths["/" + Routes.Erasure] = erasure;
    }

    /// <summary>The runs list and the operations pages (HTML; the re-queue POST takes a form with its confirmation token).</summary>
    private static void AddOperationsRoutes(OpenApiDocument document, OpenApiParameter runId)
    {
        var runs = new OpenApiPathItem();
        runs.AddOperation(HttpMethod.Get, Operation(document, "ListRuns",
            "Runs started in [from, to), newest first, paged (pageSize, continuationToken): per vendor status and window, per run the counts",
            [Query("from", "ISO-8601 date or date-time (UTC)"), Query("to", "ISO-8601 date or date-time (UTC), exclusive"),
             Query("pageSize", "1 to 100 (25)"), Query("continuationToken", "The previous page's token")],
            requestBody: false, "200", "A page of runs and the next page's token."));
        document.Paths["/" + Routes.Runs] = runs;
        Page("/" + Routes.Operations, HttpMethod.Get, "GetOperationsPage", "The operations page: the last nights, the poison queue", []);
        Page("/" + Routes.OperationsRun, HttpMethod.Get, "GetOperationsRunPage", "A run's page: vendors, files, bad records, kept aside", [runId]);
        Page("/" + Routes.OperationsRequeue, HttpMethod.Get, "GetRequeueConfirmation", "The re-queue confirmation form", []);
        Page("/" + Routes.OperationsRequeueConfirm, HttpMethod.Post, "PostRequeue",
            "Re-queues the poison queue (form field confirmation from the confirmation page; same-origin only)", []);
        var resend = new OpenApiPathItem();
        resend.AddOperation(HttpMethod.Post, Operation(document, "ResendAmsDelivery",
            "Sends a parked AMS webhook delivery again, same id and changes (404 unknown; a delivered one is not sent again; same-origin only)",
            [new OpenApiParameter
            {
                Name = "deliveryId", In = ParameterLocation.Path, Required = true, Description = "The delivery's webhook-id, as the operations page lists it.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^msg_[0-9a-f]{32}$" },
            }],
            requestBody: false, "200", "{delivery: {deliveryId, count, state, status, reason, attempts, firstAttemptAt, lastAttemptAt, deliveredAt}, sent}."));
        document.Paths["/" + Routes.OperationsAmsDeliveryResend] = resend;

        void Page(string path, HttpMethod method, string operationId, string summary, List<IOpenApiParameter> parameters)
        {
            var item = new OpenApiPathItem();
            item.AddOperation(method, Operation(document, operationId, summary, parameters, requestBody: false, "200", "An HTML page."));
            document.Paths[path] = item;
        }

        static OpenApiParameter Query(string name, string description) => new()
        {
            Name = name, In = ParameterLocation.Query, Required = false, Description = description,
            Schema = new OpenApiSchema { Type = JsonSchemaType.String },
        };
    }

    private static OpenApiOperation Operation(
        OpenApiDocument document, string operationId, string summary, List<IOpenApiParameter> parameters, bool requestBody,
        string status, string description)
    {
        var json = new Dictionary<string, IOpenApiMediaType>
        {
            ["application/json"] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.Object } },
        };
        return new OpenApiOperation
        {
            OperationId = operationId,
            Summary = summary,
            Parameters = parameters,
            RequestBody = requestBody ? new OpenApiRequestBody { Required = true, Content = json } : null,
            Responses = new OpenApiResponses
            {
                [status] = new OpenApiResponse { Description = description, Content = json },
                ["400"] = ProblemResponse(document, "A malformed id or body."),
                ["401"] = ProblemResponse(document, "No valid bearer token."),
                ["403"] = ProblemResponse(document, "The token lacks the route's role."),
                ["404"] = ProblemResponse(document, "Unknown."),
                ["500"] = ProblemResponse(document, "The request failed; the response says nothing of the cause."),
            },
        };
    }

    public static string ItemSchemaName(ChildForm form) => Pascal(form.Segment) + "Item";

    public static string PageSchemaName(ChildForm form) => Pascal(form.Segment) + "Page";

    private static OpenApiPathItem Get(
        OpenApiDocument document, string operationId, string summary, IEnumerable<IOpenApiParameter> parameters,
        string mediaType, IOpenApiSchema schema, string description, bool individual = true)
    {
        var operation = new OpenApiOperation
        {
            OperationId = operationId,
            Summary = summary,
            Parameters = (individual ? [IndividualId()] : new List<IOpenApiParameter>()).Concat(parameters).ToList(),
            Responses = new OpenApiResponses
            {
                ["200"] = new OpenApiResponse
                {
                    Description = description,
                    Content = new Dictionary<string, IOpenApiMediaType> { [mediaType] = new OpenApiMediaType { Schema = schema } },
                },
            },
        };
        if (individual)
        {
            operation.Responses["400"] = ProblemResponse(document, "A malformed individual id, date, page size, vendor or continuation token.");
            operation.Responses["404"] = ProblemResponse(document, "The individual is unknown.");
        }

        operation.Responses["401"] = ProblemResponse(document, "No valid bearer token or view link.");
        operation.Responses["403"] = ProblemResponse(document, "The token lacks the route's role (Tab.Read).");
        operation.Responses["500"] = ProblemResponse(document, "The request failed; the response says nothing of the cause.");
        var path = new OpenApiPathItem();
        path.AddOperation(HttpMethod.Get, operation);
        return path;
    }

    private static OpenApiResponse ProblemResponse(OpenApiDocument document, string description) => new()
    {
        Description = description,
        Content = new Dictionary<string, IOpenApiMediaType>
        {
            [ApiResults.ProblemJson] = new OpenApiMediaType { Schema = new OpenApiSchemaReference(ProblemSchema, document) },
        },
    };

    private static OpenApiSchema Problem() => new()
    {
        Type = JsonSchemaType.Object,
        Description = "RFC 7807 problem details.",
        Required = new HashSet<string> { "title", "status" },
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["title"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" },
            ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["instance"] = new OpenApiSchema { Type = JsonSchemaType.String },
        },
    };

    private static OpenApiParameter IndividualId() => new()
    {
        Name = "individualId",
        In = ParameterLocation.Path,
        Required = true,
        Description = "The AMS individual id.",
        Schema = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^[A-Za-z0-9_.-]{1,64}$" },
    };

    private static List<IOpenApiParameter> Filters() =>
    [
        new OpenApiParameter
        {
            Name = "pageSize", In = ParameterLocation.Query, Description = "Items per page.",
            Schema = new OpenApiSchema
            {
                Type = JsonSchemaType.Integer, Format = "int32", Minimum = "1", Maximum = PageRequest.MaxPageSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Default = JsonSerializer.SerializeToNode(PageRequest.DefaultPageSize),
            },
        },
        new OpenApiParameter
        {
            Name = "from", In = ParameterLocation.Query, Description = "Only rows at or after this time (ISO-8601 date or date-time; UTC unless it has an offset).",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "date-time" },
        },
        new OpenApiParameter
        {
            Name = "to", In = ParameterLocation.Query, Description = "Only rows before this time (exclusive; ISO-8601 date or date-time).",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "date-time" },
        },
        new OpenApiParameter
        {
            Name = "vendor", In = ParameterLocation.Query, Description = "Only rows of this vendor, e.g. realmagnet.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^[A-Za-z0-9-]{1,32}$" },
        },
    ];

    private static OpenApiParameter PageSize(int defaultSize, int maxSize) => new()
    {
        Name = "pageSize", In = ParameterLocation.Query, Description = "Items per page.",
        Schema = new OpenApiSchema
        {
            Type = JsonSchemaType.Integer, Format = "int32", Minimum = "1", Maximum = maxSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Default = JsonSerializer.SerializeToNode(defaultSize),
        },
    };

    private static OpenApiParameter ContinuationToken() => new()
    {
        Name = "continuationToken",
        In = ParameterLocation.Query,
        Description = "The previous page's continuationToken; valid only with the filters it was issued for.",
        Schema = new OpenApiSchema { Type = JsonSchemaType.String },
    };

    private static OpenApiParameter ViewToken(ChildForm form) => new()
    {
        Name = form.ViewTokenParameter,
        In = ParameterLocation.Query,
        Description = $"The continuation token of the {form.Title.ToLowerInvariant()} page to show.",
        Schema = new OpenApiSchema { Type = JsonSchemaType.String },
    };

    /// <summary>An item record as the API writes it (<see cref="ApiJson"/>): camelCase, every property present, nulls as null.</summary>
    private static OpenApiSchema ItemSchema(Type itemType)
    {
        var schema = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal),
            Required = new HashSet<string>(StringComparer.Ordinal),
            AdditionalPropertiesAllowed = false,
        };
        foreach (var property in itemType.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var name = ApiJson.Options.PropertyNamingPolicy!.ConvertName(property.Name);
            var nullable = Nullability.Create(property).ReadState == NullabilityState.Nullable;
            var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            var (jsonType, format) = type switch
            {
                _ when type == typeof(string) => (JsonSchemaType.String, null),
                _ when type == typeof(DateTimeOffset) => (JsonSchemaType.String, "date-time"),
                _ when type == typeof(int) => (JsonSchemaType.Integer, "int32"),
                _ when type == typeof(long) => (JsonSchemaType.Integer, "int64"),
                _ when type == typeof(bool) => (JsonSchemaType.Boolean, null),
                _ when type.IsEnum => (JsonSchemaType.String, (string?)null),
                _ => throw new NotSupportedException($"{itemType.Name}.{property.Name}: describe {type.Name} in {nameof(OpenApiDocumentFactory)}."),
            };
            schema.Properties[name] = new OpenApiSchema { Type = nullable ? jsonType | JsonSchemaType.Null : jsonType, Format = format };
            schema.Required.Add(name);
        }

        return schema;
    }

    private static string Pascal(string segment) =>
        string.Concat(segment.Split('-').Select(part => char.ToUpperInvariant(part[0]) + part[1..]));
}
