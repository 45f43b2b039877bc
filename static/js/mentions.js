/* @mention autocomplete for the Markdown editor (progressive enhancement: without it,
   typing @Display Name or @handle still mentions). Textareas carrying data-mentions (the
   member-name lookup's address) get a listbox of suggestions while the word before the
   caret starts with @. The textarea keeps focus (the editable combobox pattern, without
   a role: a textarea may not take one): aria-autocomplete, aria-controls and
   aria-activedescendant point at the listbox, Up/Down move, Enter or Tab choose, Escape
   closes, and a polite live region says how many suggestions there are. */
(function () {
  "use strict";
  if (window.forumMentions) { return; }
  window.forumMentions = true;
  var counter = 0;

  function enhance(textarea) {
    if (textarea.dataset.mentionsReady) { return; }
    textarea.dataset.mentionsReady = "1";
    var id = "mentions-" + (++counter);
    var list = document.createElement("ul");
    list.id = id + "-list";
    list.className = "mention-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Members to mention");
    list.hidden = true;
    // Styled here: editor pages do not load notifications.css (CSSOM, allowed by the CSP).
    list.style.listStyle = "none";
    list.style.margin = "0.25rem 0 0";
    list.style.padding = "0";
    list.style.border = "2px solid #0b0c0c";
    list.style.background = "#fff";
    list.style.maxWidth = "100%";
    var status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    textarea.insertAdjacentElement("afterend", list);
    list.insertAdjacentElement("afterend", status);
    textarea.setAttribute("aria-autocomplete", "list");
    textarea.setAttribute("aria-controls", list.id);
    var items = [], active = -1, timer = null, lastQuery = null, start = -1;

    function close() {
      list.hidden = true;
      list.innerHTML = "";
      items = [];
      active = -1;
      textarea.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      active = index;
      Array.prototype.forEach.call(list.children, function (li, i) {
        li.setAttribute("aria-selected", i === index ? "true" : "false");
        li.style.background = i === index ? "#1d70b8" : "#fff";
        li.style.color = i === index ? "#fff" : "#0b0c0c";
      });
      if (index >= 0) {
        textarea.setAttribute("aria-activedescendant", list.children[index].id);
      } else {
        textarea.removeAttribute("aria-activedescendant");
      }
    }

    function choose(index) {
      var member = items[index];
      if (!member) { return; }
      var value = textarea.value, caret = textarea.selectionStart;
      var insert = "@" + member.name + " ";
      textarea.value = value.slice(0, start) + insert + value.slice(caret);
      var position = start + insert.length;
      textarea.setSelectionRange(position, position);
      close();
      status.textContent = member.name + " mentioned.";
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    }

    function show(members) {
      items = members;
      list.innerHTML = "";
      members.forEach(function (member, i) {
        var li = document.createElement("li");
        li.id = id + "-option-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.textContent = member.name;
        li.style.padding = "0.4rem 0.6rem";
        li.style.cursor = "pointer";
        li.addEventListener("mousedown", function (event) {
          event.preventDefault();  // keep focus in the textarea
          choose(i);
        });
        list.appendChild(li);
      });
      list.hidden = members.length === 0;
      status.textContent = members.length ? members.length + " member" +
        (members.length === 1 ? "" : "s") + " found: use the up and down arrows, then Enter."
        : "No member found.";
      highlight(members.length ? 0 : -1);
    }

    function query() {
      var before = textarea.value.slice(0, textarea.selectionStart);
      var match = /(?:^|[\s(\[])@([^\s@][^@\n]{0,40})$/.exec(before) || /(?:^|[\s(\[])@$/.exec(before);
      if (!match) { close(); lastQuery = null; return; }
      var text = match[1] || "";
      start = before.length - text.length - 1;
      if (text.length < 1 || text.split(" ").length > 4) { close(); return; }
      if (text === lastQuery) { return; }
      lastQuery = text;
      clearTimeout(timer);
      timer = setTimeout(function () {
        fetch(textarea.dataset.mentions + "?q=" + encodeURIComponent(text), {
          headers: { "Accept": "application/json" }, credentials: "same-origin"
        }).then(function (response) {
          return response.ok ? response.json() : [];
        }).then(function (members) {
          if (lastQuery === text) { show(members); }
        }).catch(function () { close(); });
      }, 150);
    }

    textarea.addEventListener("input", query);
    textarea.addEventListener("blur", function () { setTimeout(close, 100); });
    textarea.addEventListener("keydown", function (event) {
      if (list.hidden || !items.length) { return; }
      if (event.key === "ArrowDown") {
        event.preventDefault();
        highlight((active + 1) % items.length);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        highlight((active - 1 + items.length) % items.length);
      } else if (event.key === "Enter" || event.key === "Tab") {
        if (active >= 0) { event.preventDefault(); choose(active); }
      } else if (event.key === "Escape") {
        event.preventDefault();
        close();
      }
    });
  }

  function init() {
    document.querySelectorAll("textarea[data-mentions]").forEach(enhance);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
