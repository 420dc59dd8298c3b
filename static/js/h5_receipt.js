// Receipt: copy the ticket number; the appeal is filed, so the form's draft can go.
document.addEventListener("DOMContentLoaded", () => {
  try {
    window.sessionStorage.removeItem("h5-appeal-draft");
  } catch (e) {
    // storage switched off: there is no draft
  }
  const status = document.getElementById("copy-status");
  for (const button of document.querySelectorAll("[data-copy]")) {
    const target = document.getElementById(button.dataset.copy);
    const selectTarget = () => {
      const range = document.createRange();
      range.selectNodeContents(target);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
    };
    button.addEventListener("click", async () => {
      const value = target.textContent.trim();
      try {
        if (navigator.clipboard && window.isSecureContext) {
          await navigator.clipboard.writeText(value);
        } else {
          // Plain http on a phone: the older way still copies a selection.
          selectTarget();
          if (!document.execCommand("copy")) throw new Error("copy refused");
        }
        status.textContent = button.dataset.copied;
      } catch (e) {
        selectTarget();
        status.textContent = button.dataset.failed;
      }
    });
  }
});
