(function () {
  "use strict";
  var lines = [];
  var form = document.getElementById("filters");
  var sev = document.getElementById("f-severity");
  var stride = document.getElementById("f-stride");
  var status = document.getElementById("f-status");
  var open = document.getElementById("f-open");
  lines.push("filters-visible " + (form && !form.hidden ? "1" : "0"));
  function visible() {
    var out = [];
    var rows = document.querySelectorAll(".threat");
    for (var i = 0; i < rows.length; i++) {
      /* offsetParent is null when the row or its group is not displayed */
      if (rows[i].offsetParent !== null) { out.push(rows[i].getAttribute("data-id")); }
    }
    return out.join(" ");
  }
  function set(el, v) {
    if (el.type === "checkbox") { el.checked = v; } else { el.value = v; }
    el.dispatchEvent(new Event("change", { bubbles: true }));
  }
  function clear() { set(sev, ""); set(stride, ""); set(status, ""); set(open, false); }
  lines.push("all " + visible());
  set(sev, "critical"); lines.push("severity=critical " + visible()); clear();
  set(stride, "E"); lines.push("stride=E " + visible()); clear();
  set(status, "mitigated"); lines.push("status=mitigated " + visible()); clear();
  set(open, true); lines.push("open-only " + visible()); clear();
  set(sev, "high"); set(stride, "I"); lines.push("severity=high+stride=I " + visible()); clear();
  var groups = document.querySelectorAll(".group"), shown = 0;
  set(status, "accepted");
  for (var g = 0; g < groups.length; g++) { if (!groups[g].hidden) { shown++; } }
  lines.push("groups-shown-accepted " + shown); clear();
  var fig = document.getElementById("dfd");
  var before = fig.classList.contains("zoomed");
  fig.querySelector(".scroll").click();
  lines.push("dfd-zoom " + (before ? "1" : "0") + (fig.classList.contains("zoomed") ? "1" : "0"));
  lines.push("count " + document.getElementById("f-count").textContent.replace(/ /g, "_"));
  var pre = document.createElement("pre");
  pre.id = "result";
  pre.textContent = lines.join("\n");
  document.body.appendChild(pre);
})();
