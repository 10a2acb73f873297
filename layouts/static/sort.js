/* Sortable tables: enhances <table data-sortable>, which works (pre-sorted) without this script.
   Each <th data-sort="text|number"> in the first header row gets a button; aria-sort says the order. */
(function () {
  "use strict";

  var collator = window.Intl && Intl.Collator ? new Intl.Collator("zh-Hans-CN", { numeric: true }) : null;

  function key(cell, type) {
    var raw = cell.getAttribute("data-sort-value");
    if (raw === null) {
      raw = cell.textContent.replace(/\s+/g, " ").trim();
    }
    if (type === "number") {
      var number = parseFloat(raw.replace(/,/g, ""));
      return isNaN(number) ? -Infinity : number; /* "—" (no figure) sorts first */
    }
    return raw;
  }

  function compare(a, b, type) {
    if (type === "number") {
      return a < b ? -1 : a > b ? 1 : 0;
    }
    return collator ? collator.compare(a, b) : a < b ? -1 : a > b ? 1 : 0;
  }

  function enhance(table) {
    var head = table.tHead && table.tHead.rows[0];
    var body = table.tBodies[0];
    if (!head || !body) {
      return;
    }
    var headers = Array.prototype.slice.call(head.cells);
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("aria-live", "polite");
    table.parentNode.insertBefore(status, table.nextSibling);
    if (table.caption) {
      var hint = document.createElement("span");
      hint.className = "visually-hidden";
      hint.textContent = "（可按列标题按钮排序）";
      table.caption.appendChild(hint);
    }

    headers.forEach(function (th, index) {
      var type = th.getAttribute("data-sort");
      if (!type) {
        return;
      }
      var label = th.textContent.trim();
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort-button";
      while (th.firstChild) {
        button.appendChild(th.firstChild);
      }
      var icon = document.createElement("span");
      icon.className = "sort-icon";
      icon.setAttribute("aria-hidden", "true");
      button.appendChild(icon);
      th.appendChild(button);

      button.addEventListener("click", function () {
        var order = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
        var rows = Array.prototype.slice.call(body.rows).map(function (row, position) {
          return { row: row, key: key(row.cells[index], type), position: position };
        });
        rows.sort(function (a, b) {
          var result = compare(a.key, b.key, type);
          if (order === "descending") {
            result = -result;
          }
          return result || a.position - b.position;
        });
        rows.forEach(function (item) {
          body.appendChild(item.row);
        });
        headers.forEach(function (other) {
          other.removeAttribute("aria-sort");
        });
        th.setAttribute("aria-sort", order);
        status.textContent = "已按“" + label + "”" + (order === "ascending" ? "升序" : "降序") + "排列";
        showIcons();
      });
    });

    function showIcons() {
      headers.forEach(function (th) {
        var icon = th.querySelector(".sort-icon");
        if (icon) {
          var order = th.getAttribute("aria-sort");
          icon.textContent = order === "ascending" ? "▲" : order === "descending" ? "▼" : "↕";
        }
      });
    }
    showIcons();
  }

  Array.prototype.slice.call(document.querySelectorAll("table[data-sortable]")).forEach(enhance);
})();
