using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Site.Pages;

// As the webapp template's Error page has it: the weaver must resolve ASP.NET Core's enum to read this attribute.
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
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
