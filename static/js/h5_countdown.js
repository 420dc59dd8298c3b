// 重新获取验证码: disabled for the seconds the server still refuses a resend, with the
// seconds counted down on the button; without script the server's message says the same.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-countdown]").forEach((button) => {
    let left = Number(button.dataset.countdown) || 0;
    if (left <= 0) return;
    const label = button.textContent;
    const tick = () => {
      if (left <= 0) {
        button.disabled = false;
        button.textContent = label;
        button.dataset.waiting = "0";
        return;
      }
      button.disabled = true;
      button.dataset.waiting = "1";
      button.textContent = button.dataset.waitText.replace("{n}", String(left));
      left -= 1;
      setTimeout(tick, 1000);
    };
    tick();
  });
});
