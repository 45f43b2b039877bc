/* Progressive enhancement only: every page works without this file.
   - Markdown editor toolbar (one row; arrow keys move along it) and server-rendered preview.
   - Focus the error summary after a failed submit; block double submits. */
(function () {
  "use strict";

  var csrfToken = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  var FORMATS = {
    bold: { wrap: ["**", "**"], placeholder: "bold text" },
    italic: { wrap: ["*", "*"], placeholder: "italic text" },
    heading: { line: "## ", placeholder: "Heading" },
    link: { wrap: ["[", "](https://)"], placeholder: "link text" },
    bullets: { line: "- ", placeholder: "List item" },
    numbers: { line: "1. ", placeholder: "List item" },
    quote: { line: "> ", placeholder: "Quoted text" }
  };

  function applyFormat(textarea, name) {
    var format = FORMATS[name];
    var start = textarea.selectionStart, end = textarea.selectionEnd;
    var value = textarea.value;
    var selected = value.slice(start, end) || format.placeholder;
    var replacement, prefix;
    if (format.wrap) {
      prefix = format.wrap[0];
      replacement = prefix + selected + format.wrap[1];
    } else {
      prefix = format.line;
      replacement = selected.split("\n").map(function (line) { return format.line + line; }).join("\n");
      if (start > 0 && value[start - 1] !== "\n") { replacement = "\n" + replacement; prefix = "\n" + prefix; }
    }
    textarea.focus();
    textarea.setRangeText(replacement, start, end, "select");
    if (format.wrap || start === end) {
      // Select only the text inside the markup, so typing replaces the placeholder (or the
      // chosen words) and keeps the formatting.
      textarea.setSelectionRange(start + prefix.length, start + prefix.length + selected.length);
    }
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function showPreview(editor, textarea, output, toggle) {
    var body = new URLSearchParams();
    body.set("body", textarea.value);
    body.set("csrf_token", csrfToken);
    output.textContent = "Loading preview…";
    fetch("/preview", { method: "POST", body: body, credentials: "same-origin",
                        headers: { "X-CSRFToken": csrfToken } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (data.html !== undefined) {
          // The server renders and sanitises exactly as it would for a real post.
          output.innerHTML = data.html || "<p>Nothing to preview yet.</p>";
        } else {
          output.textContent = data.error || "The preview is not available.";
        }
      })
      .catch(function () { output.textContent = "The preview is not available right now."; });
  }

  function enhanceEditor(editor) {
    var textarea = editor.querySelector("textarea");
    var toolbar = editor.querySelector(".editor-toolbar");
    var output = editor.querySelector("[data-preview-output]");
    if (!textarea || !toolbar) { return; }
    toolbar.hidden = false;
    // Every button is a Tab stop; the arrow keys, Home and End also move along the row
    // (the toolbar pattern), skipping buttons paused by Preview. Focus scrolls the button
    // into view inside the strip that scrolls sideways on a phone.
    toolbar.addEventListener("keydown", function (event) {
      var keys = { ArrowLeft: -1, ArrowRight: 1, Home: "first", End: "last" };
      if (!(event.key in keys) || !event.target.closest("button")) { return; }
      var buttons = Array.prototype.filter.call(toolbar.querySelectorAll("button"),
                                                function (b) { return !b.disabled; });
      var index = buttons.indexOf(event.target.closest("button"));
      var move = keys[event.key];
      var next = move === "first" ? 0 : move === "last" ? buttons.length - 1
        : (index + move + buttons.length) % buttons.length;
      event.preventDefault();
      buttons[next].focus();
      buttons[next].scrollIntoView({ block: "nearest", inline: "nearest" });
    });
    toolbar.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button) { return; }
      if (button.hasAttribute("data-preview")) {
        // A mode switch, not a toggle: its name says what pressing it does next (a toggle
        // with aria-pressed must keep one name). Formatting waits until editing resumes.
        var showing = button.hasAttribute("data-showing");
        button.toggleAttribute("data-showing", !showing);
        button.textContent = showing ? "Preview" : "Back to editing";
        Array.prototype.forEach.call(toolbar.querySelectorAll("[data-format]"), function (format) {
          format.disabled = !showing;
        });
        output.hidden = showing;
        textarea.hidden = !showing;
        if (!showing) { showPreview(editor, textarea, output, button); } else { textarea.focus(); }
        return;
      }
      applyFormat(textarea, button.getAttribute("data-format"));
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-editor]"), enhanceEditor);
    var summary = document.querySelector("[data-autofocus]");
    if (summary) { summary.focus(); }
    Array.prototype.forEach.call(document.querySelectorAll("form"), function (form) {
      form.addEventListener("submit", function () {
        var textarea = form.querySelector("[data-editor] textarea[hidden]");
        if (textarea) { textarea.hidden = false; }
        var button = form.querySelector("[data-prevent-double-click]");
        if (button) {
          if (button.dataset.submitted) { return; }
          button.dataset.submitted = "1";
          setTimeout(function () { button.setAttribute("aria-disabled", "true"); button.disabled = true; }, 0);
        }
      });
    });
  });
}());
