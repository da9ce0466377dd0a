namespace WebApi;

public static class Todos
{
    // Runs once, at start-up: the endpoints keep the handlers it registered.
    public static void Map(WebApplication app)
    {
        var group = app.MapGroup("/todos");
        group.MapGet("/", async () =>
        {
            await Task.Yield();
            return "list-0";
        });
        group.MapGet("/{id:int}", (int id) => $"item-{id}-0");
    }
}
