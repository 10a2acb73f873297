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

  /* An arrow pair drawn in the text colour: the same in every font, and not text (aria-sort says the order). */
  function sortIcon() {
    var svg = "http://www.w3.org/2000/svg";
    var icon = document.createElementNS(svg, "svg");
    icon.setAttribute("class", "sort-icon");
    icon.setAttribute("viewBox", "0 0 10 16");
    icon.setAttribute("aria-hidden", "true");
    icon.setAttribute("focusable", "false");
    [["sort-up", "M5 1 9.5 7H.5Z"], ["sort-down", "M5 15 .5 9h9Z"]].forEach(function (arrow) {
      var path = document.createElementNS(svg, "path");
      path.setAttribute("class", arrow[0]);
      path.setAttribute("d", arrow[1]);
      icon.appendChild(path);
    });
    return icon;
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
      button.appendChild(sortIcon());
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
          /* the shape tells the order (not colour): both arrows when unsorted, one when sorted */
          icon.querySelector(".sort-up").style.display = order === "descending" ? "none" : "";
          icon.querySelector(".sort-down").style.display = order === "ascending" ? "none" : "";
        }
      });
    }
    showIcons();

    /* A browser scrolls a control focused with Tab into the table's scroll region only as far as the
       control's own box, so that its focus ring is cut off at the region's edge: scroll a little more. */
    var region = table.parentNode;
    if (region && region.classList && region.classList.contains("table-scroll")) {
      region.addEventListener("focusin", function (event) {
        if (event.target === region) {
          return;
        }
        var box = region.getBoundingClientRect();
        var control = event.target.getBoundingClientRect();
        var left = box.left + region.clientLeft;
        var right = left + region.clientWidth;
        var room = 8; /* the focus ring (3px, 2px off the control) and some air */
        if (control.right + room > right) {
          region.scrollLeft += control.right + room - right;
        } else if (control.left - room < left) {
          region.scrollLeft -= left - (control.left - room);
        }
      });
    }
  }

  Array.prototype.slice.call(document.querySelectorAll("table[data-sortable]")).forEach(enhance);
})();
