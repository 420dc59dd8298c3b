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

// The street picker: the district first, then only that district's streets (the two
// 八里庄街道 are in different districts). Without script the one list is grouped by district.
document.addEventListener("DOMContentLoaded", () => {
  const box = document.querySelector("[data-street-picker]");
  if (!box) return;
  const district = box.querySelector("#id_district");
  const street = box.querySelector("select[name=street_id]");
  const groups = Array.from(street.querySelectorAll("optgroup")).map((g) => g.cloneNode(true));
  const blank = street.querySelector("option[value='']");
  const chosen = street.value;
  const owner = groups.find((g) => g.querySelector(`option[value='${CSS.escape(chosen)}']`));
  box.querySelector("[data-district-label]").hidden = false;
  district.hidden = false;
  const show = (name, keep) => {
    street.replaceChildren(blank.cloneNode(true));
    const group = groups.find((g) => g.label === name);
    if (group) for (const option of group.children) street.append(option.cloneNode(true));
    street.value = keep || "";
    street.disabled = !group;
  };
  district.value = owner ? owner.label : "";
  show(district.value, owner ? chosen : "");
  district.addEventListener("change", () => show(district.value, ""));
});
