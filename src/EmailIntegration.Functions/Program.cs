using EmailIntegration.Azure;
using EmailIntegration.Functions.Security;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.UseMiddleware<ApiAuthorizationMiddleware>();
builder.Services.AddEmailIntegration(builder.Configuration).AddApiSecurity(builder.Configuration);
builder.Build().Run();
