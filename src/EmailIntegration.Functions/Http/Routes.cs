namespace EmailIntegration.Functions.Http;

/// <summary>
/// Every HTTP function's route, relative to <c>/api</c>: the one source for the functions'
/// <c>[HttpTrigger(Route = …)]</c> and <see cref="OpenApiDocumentFactory"/>'s paths. The child-form pages'
/// routes repeat <c>ChildForms</c>' (an attribute needs a constant); a test holds each form to exactly one
/// function on its route.
/// </summary>
public static class Routes
{
    public const string Individual = "individuals/{individualId}";
    public const string IndividualProfile = Individual + "/profile";
    public const string IndividualOptOuts = Individual + "/opt-outs";
    public const string IndividualViewLinks = Individual + "/view-links";
    public const string EmailIntegrationTab = Individual + "/email-integration";
    public const string EmailIntegrationView = EmailIntegrationTab + "/view";
    public const string TrackingPage = EmailIntegrationTab + "/tracking";
    public const string LinkTrackingPage = EmailIntegrationTab + "/link-tracking";
    public const string FaxTrackingPage = EmailIntegrationTab + "/fax-tracking";
    public const string UnsubscribesPage = EmailIntegrationTab + "/unsubscribes";
    public const string BouncesPage = EmailIntegrationTab + "/bounces";
    public const string CommunicationsPage = EmailIntegrationTab + "/communications";
    public const string CustomerActionsPage = Individual + "/customer-actions";
    public const string InterestActivitiesPage = Individual + "/interest-activities";
    public const string Blasts = "blasts";
    public const string Blast = Blasts + "/{blastId}";
    public const string BlastSuppressed = Blast + "/suppressed";
    public const string Changes = "changes";
    public const string Runs = "runs";
    public const string Run = Runs + "/{runId}";
    public const string RunReplay = Run + "/replay";
    public const string Webhook = "webhooks/{service}";
    public const string OpenApiDocument = "openapi.json";
    public const string Operations = "operations";
    public const string OperationsRun = Operations + "/runs/{runId}";
    public const string OperationsRequeue = Operations + "/requeue";
    public const string OperationsRequeueConfirm = OperationsRequeue + "/confirm";
    public const string OperationsAmsDeliveryResend = Operations + "/ams-deliveries/{deliveryId}/resend";
    public const string Erasure = "erasures/{erasureId}";
}
