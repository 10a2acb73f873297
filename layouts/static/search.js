/* The search page: runs the query typed in the form against the Pagefind index (pagefind/pagefind.js,
   a file of the site) and lists the reports found, announcing how many in a live region. Opened from
   disk (file://) browsers refuse to load the index: the page then says so and offers the lists. */
(function () {
  "use strict";

  var MAX_RESULTS = 50;
  var form = document.getElementById("search-form");
  var query = document.getElementById("search-query");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-list");
  var offline = document.getElementById("search-offline");
  var indexUrl = new URL(form.getAttribute("data-index"), window.location.href);
  var loading = null;
  var latest = 0;

  function showOffline() {
    offline.hidden = false;
    form.hidden = true;
    status.parentNode.hidden = true;
  }

  if (window.location.protocol === "file:") {
    showOffline();
    return;
  }

  function pagefind() {
    if (!loading) {
      loading = import(indexUrl.href).then(function (module) {
        var root = new URL("../", indexUrl).pathname; /* the site's root, under any sub-path */
        return module.options({ baseUrl: root }).then(function () {
          return module;
        });
      });
    }
    return loading;
  }

  function filters() {
    var chosen = {};
    ["year", "kind", "parent"].forEach(function (name) {
      var select = form.elements[name];
      if (select && select.value) {
        chosen[name] = select.value;
      }
    });
    return chosen;
  }

  /* Pagefind's excerpt is escaped text with <mark> around the words found: keep just those. */
  function excerpt(html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    var paragraph = document.createElement("p");
    paragraph.className = "result-excerpt";
    template.content.childNodes.forEach(function (node) {
      if (node.nodeName === "MARK") {
        var mark = document.createElement("mark");
        mark.textContent = node.textContent;
        paragraph.appendChild(mark);
      } else {
        paragraph.appendChild(document.createTextNode(node.textContent));
      }
    });
    return paragraph;
  }

  function item(data) {
    var li = document.createElement("li");
    var heading = document.createElement("h3");
    var link = document.createElement("a");
    link.href = data.url;
    link.textContent = data.meta.title || data.url;
    heading.appendChild(link);
    li.appendChild(heading);
    var facts = document.createElement("p");
    facts.className = "result-facts";
    facts.textContent = [data.meta.office, data.meta.year ? data.meta.year + "年度" : ""]
      .filter(Boolean)
      .join(" · ");
    li.appendChild(facts);
    li.appendChild(excerpt(data.excerpt || ""));
    return li;
  }

  function run() {
    var text = query.value.trim();
    var mine = ++latest;
    if (!text) {
      list.replaceChildren();
      status.textContent = "请输入关键词。";
      return;
    }
    status.textContent = "正在搜索……";
    pagefind()
      .then(function (module) {
        return module.search(text, { filters: filters() });
      })
      .then(function (search) {
        return Promise.all(
          search.results.slice(0, MAX_RESULTS).map(function (result) {
            return result.data();
          })
        ).then(function (found) {
          return { total: search.results.length, found: found };
        });
      })
      .then(function (outcome) {
        if (mine !== latest) {
          return; /* a newer search has begun */
        }
        list.replaceChildren.apply(list, outcome.found.map(item));
        if (!outcome.total) {
          status.textContent = "没有找到包含“" + text + "”的报告。";
        } else if (outcome.total > outcome.found.length) {
          status.textContent = "找到 " + outcome.total + " 份报告，显示最相关的 " + outcome.found.length + " 份。";
        } else {
          status.textContent = "找到 " + outcome.total + " 份报告。";
        }
      })
      .catch(function () {
        if (mine === latest) {
          list.replaceChildren();
          status.textContent = "搜索索引无法加载。";
          offline.hidden = false;
        }
      });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var params = new URLSearchParams(new FormData(form));
    window.history.replaceState(null, "", "?" + params.toString());
    run();
  });

  var given = new URLSearchParams(window.location.search);
  if (given.get("q")) {
    query.value = given.get("q");
    ["year", "kind", "parent"].forEach(function (name) {
      var select = form.elements[name];
      if (select && given.get(name)) {
        select.value = given.get(name);
      }
    });
    run();
  }
})();
