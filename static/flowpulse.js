/* FlowPulse: small progressive enhancements. Every page works the same without
   this script; the CSP allows no inline script, so it lives here. */
(function () {
  "use strict";

  /* A "Show" button after each password input: the person can check what
     they typed. It is a type="button", so it never submits the form. */
  function addShowPasswordToggles() {
    document.querySelectorAll('input[type="password"]').forEach(function (input) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "show-password";
      button.textContent = "Show";
      button.setAttribute("aria-controls", input.id);
      button.setAttribute("aria-pressed", "false");
      button.setAttribute("aria-label", "Show password");
      button.addEventListener("click", function () {
        var shown = input.type === "password";
        input.type = shown ? "text" : "password";
        button.textContent = shown ? "Hide" : "Show";
        button.setAttribute("aria-pressed", shown ? "true" : "false");
        input.focus();
      });
      var wrapper = document.createElement("div");
      wrapper.className = "password-input";
      input.parentNode.insertBefore(wrapper, input);
      wrapper.appendChild(input);
      wrapper.appendChild(button);
    });
    /* A shown password must not be submitted as a visible text field that
       the browser's form history would keep. */
    document.querySelectorAll("form").forEach(function (form) {
      form.addEventListener("submit", function () {
        form.querySelectorAll(".password-input input").forEach(function (input) {
          input.type = "password";
        });
      });
    });
  }

  /* Focus: the error summary when there is one (it also has autofocus, for
     browsers without this script), else the first field of the page's form. */
  function focusFirstField() {
    var summary = document.getElementById("error-summary");
    if (summary) {
      summary.focus();
      return;
    }
    var form = document.querySelector("form[data-autofocus]");
    if (!form || document.activeElement !== document.body) {
      return;
    }
    var first = form.querySelector("input:not([type=hidden]):not([hidden]), select, textarea");
    if (first) {
      first.focus();
    }
  }

  /* A profile picture that does not load is hidden: the initials behind it show. */
  function hideBrokenPictures() {
    document.querySelectorAll("img.avatar-photo").forEach(function (img) {
      function hide() { img.hidden = true; }
      img.addEventListener("error", hide);
      if (img.complete && img.naturalWidth === 0) {
        hide();
      }
    });
  }

  /* The account menu closes on Escape and on a click outside it. */
  function closeMenusOutside() {
    var menus = document.querySelectorAll("details.account-menu");
    document.addEventListener("click", function (event) {
      menus.forEach(function (menu) {
        if (menu.open && !menu.contains(event.target)) { menu.open = false; }
      });
    });
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") { return; }
      menus.forEach(function (menu) {
        if (menu.open) {
          menu.open = false;
          menu.querySelector("summary").focus();
        }
      });
    });
  }

  function start() {
    addShowPasswordToggles();
    hideBrokenPictures();
    closeMenusOutside();
    focusFirstField();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
