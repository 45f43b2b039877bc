/* Collections' manage page, progressively enhanced (the Move up / Move down buttons work
   without this file):
   - after a move, focus returns to the same button of the moved item, and the status
     message ("Moved 'X' to position 2 of 5") is announced in a live region;
   - drag and drop by a handle posts the new order as JSON (CSRF in X-CSRFToken) and
     announces the item's new position. */
(function () {
  "use strict";

  var csrfToken = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  function announce(text) {
    var status = document.querySelector("[data-collection-status]");
    if (!status) { return; }
    status.textContent = "";
    // Set after clearing, so a repeated message is announced again.
    window.setTimeout(function () { status.textContent = text; }, 100);
  }

  function restoreFocusAfterMove() {
    var moved = document.querySelector("[data-moved]");
    if (!moved) { return; }
    var id = moved.getAttribute("data-item-id");
    var wanted = moved.getAttribute("data-moved") === "up" ? ["up", "down"] : ["down", "up"];
    for (var i = 0; i < wanted.length; i += 1) {
      var form = moved.querySelector('[data-move="' + wanted[i] + '"]');
      if (form && !form.hidden) {
        document.getElementById("move-" + wanted[i] + "-" + id).focus();
        break;
      }
    }
    var notice = document.querySelector(".flashes .notice-success");
    if (notice) { announce(notice.textContent.trim()); }
  }

  function items(list) {
    return Array.prototype.slice.call(list.querySelectorAll(":scope > li[data-item-id]"));
  }

  function renumber(list) {
    var all = items(list);
    all.forEach(function (item, index) {
      item.querySelector(".collection-position").textContent = (index + 1) + ".";
      item.querySelector('[data-move="up"]').hidden = index === 0;
      item.querySelector('[data-move="down"]').hidden = index === all.length - 1;
    });
  }

  function enhanceReordering(list) {
    var url = list.getAttribute("data-reorder-url");
    var dragged = null, before = null;
    if (items(list).length < 2) { return; }
    items(list).forEach(function (item) {
      var handle = document.createElement("span");
      handle.className = "drag-handle button button-secondary button-small";
      handle.setAttribute("aria-hidden", "true");  // keyboard users have the move buttons
      handle.title = "Drag to reorder";
      handle.textContent = "⠿ Drag";
      item.insertBefore(handle, item.firstChild);
      handle.addEventListener("mousedown", function () { item.draggable = true; });
      item.addEventListener("dragstart", function (event) {
        dragged = item;
        before = items(list).map(function (li) { return li.getAttribute("data-item-id"); });
        item.classList.add("is-dragging");
        event.dataTransfer.effectAllowed = "move";
        event.dataTransfer.setData("text/plain", item.getAttribute("data-item-id"));
      });
      item.addEventListener("dragend", function () {
        item.draggable = false;
        item.classList.remove("is-dragging");
        items(list).forEach(function (li) { li.classList.remove("is-drop-target"); });
      });
      item.addEventListener("dragover", function (event) {
        if (!dragged || dragged === item) { return; }
        event.preventDefault();
        item.classList.add("is-drop-target");
      });
      item.addEventListener("dragleave", function () { item.classList.remove("is-drop-target"); });
      item.addEventListener("drop", function (event) {
        event.preventDefault();
        if (!dragged || dragged === item) { return; }
        var all = items(list);
        var after = all.indexOf(dragged) < all.indexOf(item);
        list.insertBefore(dragged, after ? item.nextSibling : item);
        send(list, url, dragged, before);
        dragged = null;
      });
    });
  }

  function send(list, url, moved, before) {
    var order = items(list).map(function (li) { return parseInt(li.getAttribute("data-item-id"), 10); });
    renumber(list);
    fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json",
                 "X-CSRFToken": csrfToken },
      body: JSON.stringify({ order: order, moved: parseInt(moved.getAttribute("data-item-id"), 10) })
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (result) {
      if (!result.ok) { throw new Error(result.data.error || "The new order was not saved."); }
      announce(result.data.message);
    }).catch(function (error) {
      // Put the items back as they were: the page shows what the server has.
      before.forEach(function (id) {
        list.appendChild(list.querySelector('li[data-item-id="' + id + '"]'));
      });
      renumber(list);
      announce((error && error.message) || "The new order was not saved. Reload the page and try again.");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-reorder-url]"), enhanceReordering);
  });
  // After "load": the browser has finished going to the #item-N fragment by then, which
  // would otherwise take focus back from the button.
  window.addEventListener("load", function () { window.setTimeout(restoreFocusAfterMove, 0); });
}());
