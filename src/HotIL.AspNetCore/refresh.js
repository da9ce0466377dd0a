// HotIL browser refresh: the page follows every reload of the app that served it. Added to HTML pages in Development
// only, by HotIL.AspNetCore. Events come from the app over one server-sent-event stream:
//   hello    {instance, reports}   on (re)connecting; a new instance (the app restarted) refreshes the page
//   applied  {generation, reports} code was reloaded: Blazor pages re-render, other pages refresh
//   report   {reports}             an edit was not applied, or needs a restart, or such a report is resolved
//   css      {paths}               a stylesheet in wwwroot was saved: stylesheets are swapped in place
//   static   {paths}               a script or HTML file in wwwroot was saved: the page refreshes
(() => {
  if (window.__hotil) return;
  const script = document.currentScript;
  const hotil = window.__hotil = { instance: null, generation: null, refreshes: 0, swaps: 0 };
  const events = new EventSource(new URL('events', script ? script.src : location.origin + '/_hotil/').href);

  const read = (e) => JSON.parse(e.data);

  events.addEventListener('hello', (e) => {
    const message = read(e);
    if (hotil.instance && hotil.instance !== message.instance) return location.reload();
    hotil.instance = message.instance;
    show(message.reports);
  });

  events.addEventListener('applied', (e) => {
    const message = read(e);
    hotil.generation = message.generation;
    show(message.reports);
    rerender();
  });

  events.addEventListener('report', (e) => show(read(e).reports));
  events.addEventListener('css', () => swapStylesheets(null));
  events.addEventListener('static', () => location.reload());

  // Blazor: interactive components re-render on the server (HotIL calls Blazor's update handler); the statically
  // rendered rest of the page is fetched again and merged by Blazor's enhanced navigation, which keeps component state.
  function rerender() {
    const blazor = window.Blazor && window.Blazor._internal;
    if (blazor && typeof blazor.hotReloadApplied === 'function') {
      hotil.refreshes++;
      blazor.hotReloadApplied();
    } else if (!document.querySelector('script[src*="blazor.server"]')) {
      location.reload();
    }
  }

  // New <link>s load before the old ones go, so the page never shows unstyled. Blazor's enhanced navigation (after a
  // reload, or a click) merges the server's <head> back in, with the links as first served: they are swapped again.
  let stylesVersion = null;
  function swapStylesheets(version) {
    if (!version) {
      version = Date.now().toString();
      hotil.swaps++;
    }
    if (stylesVersion === null && window.Blazor && typeof window.Blazor.addEventListener === 'function') {
      window.Blazor.addEventListener('enhancedload', () => swapStylesheets(stylesVersion));
    }
    stylesVersion = version;
    for (const link of document.querySelectorAll('link[rel="stylesheet"][href]')) {
      const url = new URL(link.href, location.href);
      if (url.origin !== location.origin || url.searchParams.get('hotil') === version) continue;
      url.searchParams.set('hotil', version);
      const fresh = link.cloneNode();
      fresh.href = url.href;
      fresh.addEventListener('load', () => link.remove(), { once: true });
      fresh.addEventListener('error', () => fresh.remove(), { once: true });
      link.after(fresh);
    }
  }

  function show(reports) {
    let overlay = document.getElementById('hotil-overlay');
    if (!reports || reports.length === 0) {
      if (overlay) overlay.remove();
      return;
    }
    if (!overlay) {
      overlay = document.createElement('div');
      overlay.id = 'hotil-overlay';
      overlay.setAttribute('role', 'alert');
      overlay.style.cssText = 'position:fixed;left:0;right:0;bottom:0;max-height:50vh;overflow:auto;z-index:2147483647;' +
        'margin:0;padding:12px 16px;font:13px/1.4 ui-monospace,monospace;white-space:pre-wrap;box-shadow:0 -2px 8px rgba(0,0,0,.3)';
      overlay.addEventListener('dblclick', () => overlay.remove());
      document.body.appendChild(overlay);
    }
    const error = reports.some((r) => r.kind === 'error');
    overlay.dataset.kind = error ? 'error' : 'notice';
    overlay.style.background = error ? '#3b0d0d' : '#3b300d';
    overlay.style.color = error ? '#ffd7d7' : '#fff3c4';
    overlay.textContent = reports.map((r) => ['[HotIL] ' + r.title, ...r.lines.map((l) => '  ' + l)].join('\n')).join('\n\n');
  }
})();
