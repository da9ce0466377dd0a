using WebApi;

var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
var app = builder.Build();
var visits = 0;
app.MapGet("/hello", () => "hello-0");
app.MapGet("/visits", () => $"visits-{Interlocked.Increment(ref visits)}");
Todos.Map(app);
app.Run();
