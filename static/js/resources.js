/* Progressive enhancement for file inputs marked [data-dropzone]: list the chosen files
   with their sizes (flagging any over the limit) and accept files dropped on the field.
   Without this file the plain file input works the same. */
(function () {
  "use strict";

  function formatSize(bytes) {
    if (bytes < 1024) { return bytes + " bytes"; }
    if (bytes < 1024 * 1024) { return (bytes / 1024).toFixed(1) + " KB"; }
    return (bytes / (1024 * 1024)).toFixed(1) + " MB";
  }

  function enhance(zone) {
    var input = zone.querySelector('input[type="file"]');
    var list = zone.querySelector("[data-file-list]");
    var hint = zone.querySelector("[data-dropzone-hint]");
    if (!input || !list || zone.getAttribute("data-enhanced")) { return; }
    zone.setAttribute("data-enhanced", "1");
    zone.classList.add("dropzone");
    if (hint && window.DataTransfer) { hint.hidden = false; }
    var maxBytes = parseInt(zone.getAttribute("data-max-bytes") || "0", 10);

    function showFiles() {
      list.textContent = "";
      Array.prototype.forEach.call(input.files, function (file) {
        var item = document.createElement("li");
        item.textContent = file.name + " (" + formatSize(file.size) + ")";
        if (maxBytes && file.size > maxBytes) {
          item.textContent += " – too large: the limit is " + formatSize(maxBytes);
          item.className = "error-message";
        }
        list.appendChild(item);
      });
      list.hidden = input.files.length === 0;
    }

    input.addEventListener("change", showFiles);
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) {
        event.preventDefault();
        zone.classList.add("is-dragover");
      });
    });
    ["dragleave", "dragend", "drop"].forEach(function (name) {
      zone.addEventListener(name, function () { zone.classList.remove("is-dragover"); });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      var dropped = event.dataTransfer && event.dataTransfer.files;
      if (!dropped || !dropped.length || !window.DataTransfer) { return; }
      var transfer = new DataTransfer();
      var files = input.multiple ? Array.prototype.slice.call(input.files) : [];
      files = files.concat(Array.prototype.slice.call(dropped, 0, input.multiple ? dropped.length : 1));
      files.forEach(function (file) { transfer.items.add(file); });
      input.files = transfer.files;
      showFiles();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-dropzone]"), enhance);
  });
}());
