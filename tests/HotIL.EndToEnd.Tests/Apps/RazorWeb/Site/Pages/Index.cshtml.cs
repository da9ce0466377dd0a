using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Site.Pages;

public class IndexModel : PageModel
{
    // Survives reloads: the page's server-side state.
    private static int _visits;

    public int Visits { get; private set; }

    public string Message { get; private set; } = "";

    public void OnGet()
    {
        Visits = Interlocked.Increment(ref _visits);
        Message = "model-0";
    }
}
