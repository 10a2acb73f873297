/* The text-size switch (A / A+ / A++) in the header: the size chosen is kept in localStorage (no cookie) and
   applied before the page is drawn, on every page. Without this script the switch stays hidden and the
   browser's own zoom does the same; where storage is refused (some browsers from file://) the size holds
   for the page only. The stylesheet sizes the text from <html data-text-size>. */
(function () {
  "use strict";

  var KEY = "gongkai-text-size";
  var SIZES = ["1", "2", "3"];
  var root = document.documentElement;

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

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhance);
  } else {
    enhance();
  }
})();
