/* Every page's script, loaded in the head.
   - The text-size switch (A / A+ / A++) in the header: the size chosen is kept in localStorage (no cookie)
     and applied before the page is drawn, on every page. Without this script the switch stays hidden and
     the browser's own zoom does the same; where storage is refused (some browsers from file://) the size
     holds for the page only. The stylesheet sizes the text from <html data-text-size>.
   - A table wider than its box gets <div class="table-scroll" data-scrolls>, which shows the box's
     「左右滑动查看更多」 hint, for as long as it is (the text size, the window, zoom). Without this script the
     stylesheet shows the hint wherever a table may be too wide. */
(function () {
  "use strict";

  var KEY = "gongkai-text-size";
  var SIZES = ["1", "2", "3"];
  var root = document.documentElement;
  root.setAttribute("data-script", "");

  function saved() {
    try {
      var size = window.localStorage.getItem(KEY);
      return SIZES.indexOf(size) >= 0 ? size : "1";
    } catch (error) {
      return "1";
    }
  }

  function apply(size) {
    if (size === "1") {
      root.removeAttribute("data-text-size");
    } else {
      root.setAttribute("data-text-size", size);
    }
  }

  apply(saved());

  function enhance() {
    var group = document.querySelector(".text-size");
    if (!group) {
      return;
    }
    var buttons = Array.prototype.slice.call(group.querySelectorAll("button[data-text-size]"));
    function show(size) {
      buttons.forEach(function (button) {
        button.setAttribute("aria-pressed", String(button.getAttribute("data-text-size") === size));
      });
    }
    buttons.forEach(function (button) {
      button.addEventListener("click", function () {
        var size = button.getAttribute("data-text-size");
        apply(size);
        show(size);
        try {
          window.localStorage.setItem(KEY, size);
        } catch (error) {
          /* storage refused: the size holds for this page */
        }
      });
    });
    show(saved());
    group.hidden = false;
  }

  function markScrolling(box) {
    if (box.scrollWidth > box.clientWidth + 1) {
      box.setAttribute("data-scrolls", "");
    } else {
      box.removeAttribute("data-scrolls");
    }
  }

  function watchTables() {
    Array.prototype.slice.call(document.querySelectorAll(".table-scroll")).forEach(function (box) {
      markScrolling(box);
      var table = box.querySelector("table");
      if (window.ResizeObserver) {
        var observer = new ResizeObserver(function () {
          markScrolling(box);
        });
        observer.observe(box);
        if (table) {
          observer.observe(table);
        }
      } else {
        window.addEventListener("resize", function () {
          markScrolling(box);
        });
      }
    });
  }

  function ready() {
    enhance();
    watchTables();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
