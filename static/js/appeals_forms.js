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

// A long grouped select (the dispatch form's 承办单位) gets a type-ahead box above it:
// typing keeps only the options (and district groups) whose words contain the text, and
// picks the first match unless the current choice still matches. No inline script (CSP).
function typeahead(select) {
  const box = document.createElement("input");
  box.type = "search";
  box.className = "typeahead";
  box.placeholder = select.dataset.typeaheadPlaceholder || "输入街道或区的名称筛选";
  box.setAttribute("aria-label", box.placeholder);
  box.setAttribute("aria-controls", select.id);
  box.dataset.testid = "typeahead";
  select.before(box);
  box.addEventListener("input", () => {
    const text = box.value.trim();
    let first = null;
    let keep = false;
    for (const group of select.querySelectorAll("optgroup")) {
      const groupHit = text && group.label.includes(text);
      let shown = 0;
      for (const option of group.querySelectorAll("option")) {
        const hit = !text || groupHit || option.textContent.includes(text);
        option.hidden = !hit;
        option.disabled = !hit;
        if (hit) {
          shown += 1;
          first = first || option;
          keep = keep || option.selected;
        }
      }
      group.hidden = shown === 0;
    }
    if (text && first && !keep) first.selected = true;
  });
  box.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !(event.ctrlKey || event.metaKey)) {
      event.preventDefault(); // choose, do not submit: the dispatcher checks first
      select.focus();
    }
  });
}

document.querySelectorAll("select[data-typeahead]").forEach(typeahead);
