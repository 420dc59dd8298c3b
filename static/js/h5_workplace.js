// Join and transfer forms: show only the part that fits the chosen kind of work; without
// script both parts show.
document.addEventListener("DOMContentLoaded", () => {
  const radios = document.querySelectorAll("input[name=employment]");
  if (!radios.length) return;
  const sync = () => {
    const chosen = document.querySelector("input[name=employment]:checked");
    document.querySelectorAll("[data-work]").forEach((el) => {
      const hide = Boolean(chosen) && el.dataset.work !== chosen.value;
      el.hidden = hide;
      el.style.display = hide ? "none" : "";
    });
  };
  radios.forEach((r) => r.addEventListener("change", sync));
  sync();
});
