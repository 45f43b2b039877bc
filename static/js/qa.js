/* Questions and answers, progressively enhanced (every control works without this file):
   - helpful votes are sent with fetch and the count updates without a page reload;
   - while a question's title is typed, similar questions are offered (debounced). */
(function () {
  "use strict";

  var csrfToken = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  function announce(text) {
    var status = document.querySelector("[data-qa-status]");
    if (!status) { return; }
    status.textContent = "";
    // A fresh text node after clearing makes screen readers announce repeated messages too.
    window.setTimeout(function () { status.textContent = text; }, 50);
  }

  function helpfulLabel(count) {
    return count + " helpful vote" + (count === 1 ? "" : "s");
  }

  function enhanceVote(form) {
    var button = form.querySelector("button");
    var widget = form.closest("[data-vote]");
    var count = widget && widget.querySelector("[data-vote-count]");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (form.dataset.busy) { return; }  // a double press sends one request
      form.dataset.busy = "1";
      button.setAttribute("aria-disabled", "true");
      fetch(form.action, {
        method: "POST", body: new FormData(form), credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken, "Accept": "application/json" }
      }).then(function (response) {
        return response.json().catch(function () { return { error: "That did not work. Reload the page and try again." }; })
          .then(function (data) { return { ok: response.ok, data: data }; });
      }).then(function (result) {
        var data = result.data;
        if (!result.ok || data.error) {
          announce(data.error || "That did not work. Reload the page and try again.");
          return;
        }
        button.setAttribute("aria-pressed", data.voted ? "true" : "false");
        form.action = data.action;
        if (count) { count.textContent = helpfulLabel(data.count); }
        announce(data.message + " " + helpfulLabel(data.count) + ".");
      }).catch(function () {
        announce("That did not work. Check your connection and try again.");
      }).then(function () {
        delete form.dataset.busy;
        button.removeAttribute("aria-disabled");
      });
    });
  }

  function enhanceAskForm(form) {
    var title = form.querySelector("input[name=title]");
    var panel = form.querySelector("[data-similar-panel]");
    var list = form.querySelector("[data-similar-list]");
    var status = form.querySelector("[data-similar-status]");
    var checked = form.querySelector("[data-similar-checked]");
    if (!title || !panel || !list) { return; }
    var timer = null, lastAsked = null, request = 0;

    function render(questions, asked) {
      list.textContent = "";
      questions.forEach(function (question) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = question.url;
        link.target = "_blank";
        link.rel = "noopener";
        link.textContent = question.title;
        item.appendChild(link);
        var note = " (" + question.answers + " answer" + (question.answers === 1 ? "" : "s") +
                   (question.accepted ? ", one accepted" : "") + ")";
        item.appendChild(document.createTextNode(note));
        var hidden = document.createElement("span");
        hidden.className = "visually-hidden";
        hidden.textContent = " (opens in a new tab)";
        link.appendChild(hidden);
        list.appendChild(item);
      });
      panel.hidden = questions.length === 0;
      if (checked) { checked.value = asked; }
      var message = questions.length === 0 ? "" :
        questions.length + " similar question" + (questions.length === 1 ? "" : "s") +
        " found, listed below the title.";
      if (status && status.textContent !== message) { status.textContent = message; }
    }

    function lookUp() {
      var asked = title.value.trim();
      if (asked === lastAsked) { return; }
      lastAsked = asked;
      if (asked.length < 4) { render([], asked); return; }
      var mine = ++request;
      fetch(panel.getAttribute("data-similar-url") + "?title=" + encodeURIComponent(asked), {
        credentials: "same-origin", headers: { "Accept": "application/json" }
      }).then(function (response) { return response.json(); })
        .then(function (data) { if (mine === request) { render(data.questions || [], asked); } })
        .catch(function () { /* the review step still shows them before posting */ });
    }

    title.addEventListener("input", function () {
      if (checked) { checked.value = ""; }
      window.clearTimeout(timer);
      timer = window.setTimeout(lookUp, 350);
    });
    if (title.value.trim()) { lookUp(); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-vote-form]"), enhanceVote);
    var ask = document.querySelector("form[data-ask-form]");
    if (ask) { enhanceAskForm(ask); }
  });
}());
