/* Progressive enhancement only: every page works without this file.
   - drag and drop onto .dropzone; the chosen file's name is shown
   - upload forms ([data-progress]) send with XHR and show upload progress, then "正在审查…"
   - returning a case needs an opinion; dismissing a finding needs a reason (checked here too;
     the server refuses either way)
   - a click on a finding in the side list flashes its highlight in the document */
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  function $all(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }

  $all(".dropzone").forEach(function (zone) {
    var input = zone.querySelector("input[type=file]");
    var name = zone.querySelector(".dz-name");
    function show() {
      if (!name) return;
      var n = input.files.length;
      name.textContent = n === 0 ? "" : n === 1 ? "已选择：" + input.files[0].name
        : "已选择 " + n + " 个文件：" + Array.prototype.map.call(input.files, function (f) { return f.name; }).join("、");
    }
    input.addEventListener("change", show);
    ["dragenter", "dragover"].forEach(function (t) {
      zone.addEventListener(t, function (e) { e.preventDefault(); zone.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (t) {
      zone.addEventListener(t, function (e) { e.preventDefault(); zone.classList.remove("over"); });
    });
    zone.addEventListener("drop", function (e) {
      if (e.dataTransfer && e.dataTransfer.files.length) { input.files = e.dataTransfer.files; show(); }
    });
  });

  $all("form[data-progress]").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      if (!window.FormData || !window.XMLHttpRequest) return;
      e.preventDefault();
      var data = new FormData(form);
      if (e.submitter && e.submitter.name) data.append(e.submitter.name, e.submitter.value);
      var box = form.querySelector(".progress"), bar = box && box.querySelector("progress"),
          text = box && box.querySelector(".progress-text");
      if (box) box.hidden = false;
      $all("button", form).forEach(function (b) { b.disabled = true; });
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.upload.onprogress = function (ev) {
        if (ev.lengthComputable && bar) { bar.value = Math.round(ev.loaded / ev.total * 100); }
        if (text) text.textContent = "正在上传… " + (bar ? bar.value : "") + "%";
      };
      xhr.upload.onload = function () {
        if (bar) bar.removeAttribute("value");
        if (text) text.textContent = "正在审查（提取文字、规则匹配、模型判断）…";
      };
      xhr.onload = function () {
        if (xhr.responseURL && xhr.responseURL.indexOf(form.action) === -1 && xhr.status < 400) {
          window.location.assign(xhr.responseURL);
        } else {
          document.open(); document.write(xhr.responseText); document.close();
          if (xhr.responseURL) history.replaceState(null, "", xhr.responseURL);
        }
      };
      xhr.onerror = function () {
        if (text) text.textContent = "上传失败，请检查网络后重试";
        $all("button", form).forEach(function (b) { b.disabled = false; });
      };
      xhr.send(data);
    });
  });

  document.addEventListener("click", function (e) {
    var b = e.target.closest && e.target.closest("button");
    if (!b || !b.form) return;
    var area;
    if (b.classList.contains("js-needs-opinion")) area = b.form.querySelector("textarea[name=opinion]");
    if (b.classList.contains("js-needs-reason")) area = b.form.querySelector("textarea[name=reason]");
    if (area && !area.value.trim()) {
      e.preventDefault();
      area.setCustomValidity(b.classList.contains("js-needs-opinion") ? "退回须填写意见" : "驳回须写明理由");
      area.reportValidity();
      area.addEventListener("input", function () { area.setCustomValidity(""); }, { once: true });
    }
  });

  function flash(id) {
    var el = document.getElementById(id);
    if (!el) return;
    var target = el.nextElementSibling && el.nextElementSibling.tagName === "MARK" ? el.nextElementSibling : el;
    target.classList.add("flash-target");
    setTimeout(function () { target.classList.remove("flash-target"); }, 1600);
  }
  window.addEventListener("hashchange", function () { flash(location.hash.slice(1)); });
  if (location.hash) flash(location.hash.slice(1));
})();
