// Answering a survey on H5. Which questions and choices show is asked of the server
// (the same evaluator that checks the submit), after each change.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("survey-form");
  if (!form) return;
  const csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  const post = (url, body) =>
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body),
    });

  const answers = () => {
    const out = {};
    form.querySelectorAll("fieldset.question").forEach((fs) => {
      if (fs.hidden) return;
      const name = fs.dataset.name;
      const type = fs.dataset.type;
      if (type === "select_one") {
        const c = fs.querySelector("input:checked");
        if (c) out[name] = c.value;
      } else if (type === "select_multiple") {
        const chosen = [...fs.querySelectorAll("input:checked")].map((i) => i.value);
        if (chosen.length) out[name] = chosen;
      } else if (type === "rank") {
        const items = [...fs.querySelectorAll("select")].map((s) => [Number(s.value), s.dataset.choice]);
        items.sort((a, b) => a[0] - b[0]);
        out[name] = items.map((i) => i[1]);
      } else if (type === "rating") {
        const c = fs.querySelector("input:checked");
        if (c) out[name] = Number(c.value);
      } else if (type === "matrix") {
        const rows = {};
        fs.querySelectorAll("tr[data-row]").forEach((tr) => {
          const c = tr.querySelector("input:checked");
          if (c) rows[tr.dataset.row] = c.value;
        });
        if (Object.keys(rows).length) out[name] = rows;
      } else if (type === "integer" || type === "decimal") {
        const v = fs.querySelector("input").value;
        if (v !== "") out[name] = Number(v);
      } else if (type === "date" || type === "text") {
        const v = fs.querySelector("input, textarea").value;
        if (v !== "") out[name] = v;
      }
    });
    return out;
  };

  let pending = null;
  const refresh = async () => {
    const res = await post(form.dataset.visible, { answers: answers() });
    if (!res.ok) return;
    const data = await res.json();
    const shown = new Set(data.visible);
    form.querySelectorAll("fieldset.question").forEach((fs) => {
      fs.hidden = !shown.has(fs.dataset.name);
      const allowed = data.choices[fs.dataset.name];
      if (allowed) {
        fs.querySelectorAll("label.choice").forEach((label) => {
          const input = label.querySelector("input");
          label.hidden = !allowed.includes(input.value);
          if (label.hidden) input.checked = false;
        });
      }
    });
    form.dataset.ready = "1";
  };
  form.addEventListener("change", () => {
    clearTimeout(pending);
    pending = setTimeout(refresh, 120);
  });
  refresh();

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearTimeout(pending);
    await refresh();
    form.querySelectorAll("[data-error-for]").forEach((p) => (p.textContent = ""));
    document.getElementById("form-error").textContent = "";
    const res = await post(form.dataset.submit, { answers: answers(), started: form.dataset.started });
    const body = await res.json().catch(() => ({}));
    if (res.status === 201) {
      form.hidden = true;
      document.getElementById("thanks").hidden = false;
      return;
    }
    if (body.errors) {
      Object.entries(body.errors).forEach(([name, msgs]) => {
        const p = form.querySelector(`[data-error-for="${CSS.escape(name)}"]`);
        if (p) p.textContent = msgs.join(" ");
      });
    }
    document.getElementById("form-error").textContent = body.detail || "";
  });
});
