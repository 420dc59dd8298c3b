// "我要反映问题": live character count, "use my location", file checks before upload,
// a draft kept in this tab (a phone may reload the page after taking a photo), and
// one submit at a time. Every message comes translated from the page's data-* attributes.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("appeal-form");
  if (!form) return;
  const fill = (template, values) =>
    template.replace(/\{(\w+)\}/g, (all, key) => (key in values ? values[key] : all));

  // --- draft: typed words survive a reload of this tab; the receipt page clears it ---
  const DRAFT_KEY = "h5-appeal-draft";
  const KEPT = ["text", "address", "employer_name", "employer_uscc", "name"];
  const store = (() => {
    try {
      return window.sessionStorage;
    } catch (e) {
      return null; // storage switched off: no draft, the form still works
    }
  })();
  if (store) {
    let draft = {};
    try {
      draft = JSON.parse(store.getItem(DRAFT_KEY) || "{}");
    } catch (e) {
      draft = {};
    }
    for (const name of KEPT) {
      const field = form.elements[name];
      if (field && !field.value && draft[name]) field.value = draft[name];
    }
    form.addEventListener("input", () => {
      const data = {};
      for (const name of KEPT) if (form.elements[name]) data[name] = form.elements[name].value;
      try {
        store.setItem(DRAFT_KEY, JSON.stringify(data));
      } catch (e) {
        // full or refused: nothing to do
      }
    });
  }

  // --- character count (code points of the trimmed text, as the server counts) ---
  const text = form.elements.text;
  const counter = document.getElementById("text-count");
  const count = () => {
    const n = [...text.value.trim()].length;
    const min = Number(counter.dataset.min);
    const max = Number(counter.dataset.max);
    let message;
    if (n < min) message = fill(counter.dataset.short, { n, left: min - n });
    else if (n > max) message = fill(counter.dataset.long, { n, over: n - max });
    else message = fill(counter.dataset.ok, { n });
    counter.textContent = message;
    counter.classList.toggle("over", n > max);
  };
  text.addEventListener("input", count);
  count();

  // --- location: navigator.geolocation answers in WGS-84 ---
  const useLocation = document.getElementById("use-location");
  const clearLocation = document.getElementById("clear-location");
  const status = document.getElementById("location-status");
  const lat = form.elements.lat;
  const lng = form.elements.lng;
  const setPoint = (la, ln) => {
    lat.value = la;
    lng.value = ln;
    clearLocation.hidden = la === "";
  };
  useLocation.addEventListener("click", () => {
    const says = useLocation.dataset;
    if (!("geolocation" in navigator)) {
      status.textContent = says.unsupported;
      return;
    }
    status.textContent = says.asking;
    useLocation.disabled = true;
    navigator.geolocation.getCurrentPosition(
      (position) => {
        setPoint(position.coords.latitude.toFixed(6), position.coords.longitude.toFixed(6));
        status.textContent = says.done;
        useLocation.disabled = false;
      },
      (error) => {
        setPoint("", "");
        status.textContent = error.code === error.PERMISSION_DENIED ? says.denied : says.failed;
        useLocation.disabled = false;
      },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 },
    );
  });
  clearLocation.addEventListener("click", () => {
    setPoint("", "");
    status.textContent = "";
  });

  // --- files: refuse too many or too large before a slow upload, not after ---
  const files = form.elements.attachments;
  const filesStatus = document.getElementById("attachments-status");
  files.addEventListener("change", () => {
    const says = files.dataset;
    const chosen = [...files.files];
    let problem = "";
    if (chosen.length > Number(says.maxFiles)) problem = says.tooMany;
    const big = chosen.find((f) => f.size > Number(says.maxBytes));
    if (!problem && big) problem = fill(says.tooLarge, { name: big.name });
    if (problem) {
      files.value = "";
      filesStatus.textContent = problem;
      filesStatus.classList.add("over");
      return;
    }
    filesStatus.classList.remove("over");
    filesStatus.textContent = chosen.length
      ? fill(says.chosen, { n: chosen.length }) + chosen.map((f) => f.name).join("、")
      : "";
  });

  // --- one submit at a time; a page restored by "back" gets its button back ---
  const submit = document.getElementById("appeal-submit");
  const label = submit.textContent;
  form.addEventListener("submit", () => {
    submit.disabled = true;
    submit.textContent = submit.dataset.busy;
  });
  window.addEventListener("pageshow", () => {
    submit.disabled = false;
    submit.textContent = label;
  });
});
