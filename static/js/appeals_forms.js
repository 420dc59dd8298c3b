// Appeal forms, keyboard first: Ctrl+Enter (Cmd+Enter on a Mac) submits the form being typed in,
// and choosing a reply template fills the reply box, ready to edit.
document.addEventListener("keydown", (event) => {
  if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) return;
  const form = event.target.closest && event.target.closest("form[data-ctrl-enter]");
  if (!form) return;
  event.preventDefault();
  form.requestSubmit();
});

document.addEventListener("change", (event) => {
  const select = event.target;
  if (!select.matches || !select.matches("select[data-fills]") || !select.value) return;
  const box = document.getElementById(select.dataset.fills);
  if (!box) return;
  box.value = select.value;
  box.focus();
  const at = box.value.indexOf("____");
  if (at >= 0) box.setSelectionRange(at, at + 4); // the blank to fill in
});
