// One-click citation: a button with data-cite puts its text into the first reply box of
// its data-cite-target list that exists on the page, at the cursor, ready to edit.
document.addEventListener("click", (event) => {
  const button = event.target.closest && event.target.closest("button[data-cite]");
  if (!button) return;
  event.preventDefault();
  const ids = (button.dataset.citeTarget || "").split(",");
  const box = ids.map((id) => document.getElementById(id.trim())).find((el) => el);
  if (!box) return;
  const text = button.dataset.cite;
  const start = box.selectionStart ?? box.value.length;
  const end = box.selectionEnd ?? box.value.length;
  const before = box.value.slice(0, start);
  const glue = before && !before.endsWith("\n") ? "\n" : "";
  box.value = before + glue + text + box.value.slice(end);
  const at = (before + glue + text).length;
  box.focus();
  box.setSelectionRange(at, at);
  box.dispatchEvent(new Event("input", { bubbles: true }));
});
