// Search across the briefs with the Pagefind index written beside the pages (pagefind/), offline:
// a labelled field, and the results as a list of links with the words around each match.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("search");
  if (!form) return;
  var input = document.getElementById("search-input");
  var results = document.getElementById("search-results");
  var root = new URL(form.dataset.root || "", window.location.href);
  var loaded = null;

  function engine() {
    if (!loaded) {
      loaded = import(new URL("pagefind/pagefind.js", root).href).then(function (pagefind) {
        return pagefind.options({ baseUrl: root.pathname }).then(function () { return pagefind; });
      });
    }
    return loaded;
  }

  function show(items, query) {
    results.textContent = "";
    var heading = document.createElement("p");
    heading.textContent = items.length ? items.length + " result" + (items.length === 1 ? "" : "s") + " for \u201c" + query + "\u201d" : "Nothing found for \u201c" + query + "\u201d";
    results.appendChild(heading);
    var list = document.createElement("ul");
    items.forEach(function (item) {
      var entry = document.createElement("li");
      var link = document.createElement("a");
      link.href = item.url;
      link.textContent = (item.meta && item.meta.title) || item.url;
      var excerpt = document.createElement("p");
      excerpt.textContent = (item.excerpt || "").replace(/<[^>]*>/g, "");
      entry.appendChild(link);
      entry.appendChild(excerpt);
      list.appendChild(entry);
    });
    results.appendChild(list);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var query = input.value.trim();
    if (!query) return;
    engine()
      .then(function (pagefind) { return pagefind.search(query); })
      .then(function (found) { return Promise.all(found.results.slice(0, 10).map(function (r) { return r.data(); })); })
      .then(function (items) { show(items, query); })
      .catch(function () { results.textContent = "Search needs the site to be served (briefgen serve --site), not opened as a file."; });
  });
});
