/* The live preview's error banner (`mkdocs serve` / `journeys serve` only; never in a published site).
   After a save that leaves the portfolio invalid, the preview keeps serving the last good pages and writes
   the errors to preview.json beside this script; MkDocs' live reload then reloads the page, and this script
   shows them over it. The next good save writes no errors and the banner is gone on the reload.
   The messages quote the portfolio's own text: they are set as text (textContent), never as markup. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !window.fetch) return;
  var url = new URL("preview.json", script.src);

  function show(errors) {
    var old = document.getElementById("jm-preview-errors");
    if (old) old.remove();
    if (!errors.length) return;
    var box = document.createElement("section");
    box.id = "jm-preview-errors";
    box.setAttribute("role", "alert");
    box.setAttribute("aria-labelledby", "jm-preview-errors-title");
    box.style.cssText =
      "position:fixed;left:0;right:0;bottom:0;z-index:1000;max-height:45vh;overflow:auto;" +
      "margin:0;padding:0.8rem 1rem;background:#fff4f4;color:#5c0000;border-top:0.25rem solid #b00020;" +
      "font-size:0.8rem;line-height:1.4;box-shadow:0 -0.2rem 0.6rem rgba(0,0,0,0.25)";
    var title = document.createElement("h2");
    title.id = "jm-preview-errors-title";
    title.style.cssText = "margin:0 0 0.4rem;font-size:0.9rem;color:#5c0000";
    title.textContent =
      "The portfolio has errors: this preview shows the last valid version until they are fixed.";
    var list = document.createElement("pre");
    list.style.cssText = "margin:0;white-space:pre-wrap;font-size:0.75rem;background:none;color:#3b0000";
    list.textContent = errors.join("\n");
    box.appendChild(title);
    box.appendChild(list);
    document.body.appendChild(box);
  }

  fetch(url, { cache: "no-store" })
    .then(function (r) {
      return r.ok ? r.json() : { errors: [] };
    })
    .then(function (data) {
      show(Array.isArray(data.errors) ? data.errors.map(String) : []);
    })
    .catch(function () {});
})();
