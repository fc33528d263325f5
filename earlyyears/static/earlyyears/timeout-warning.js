// The GOV.UK timeout warning: a modal dialog shortly before the server signs an idle user out,
// with "Stay signed in". The server does the signing out (IdleTimeoutMiddleware); this only
// warns. Before warning or leaving it asks the server how long is left (a GET that is not
// activity), so a tab left open does not sign out someone busy in another tab.

const dialog = document.getElementById("timeout-warning");

if (dialog && typeof dialog.showModal === "function") {
  const statusUrl = dialog.dataset.statusUrl;
  const signedOutUrl = dialog.dataset.signedOutUrl;
  const warningSeconds = Number(dialog.dataset.warningSeconds);
  const form = dialog.querySelector(".js-keep-alive");
  const countdown = dialog.querySelector(".js-timeout-countdown");
  const announcement = dialog.querySelector(".js-timeout-announcement");
  let timer = null;
  let ticker = null;
  let deadline = 0;

  const describe = (seconds) => {
    if (seconds >= 60) {
      const minutes = Math.ceil(seconds / 60);
      return `${minutes} minute${minutes === 1 ? "" : "s"}`;
    }
    return `${seconds} second${seconds === 1 ? "" : "s"}`;
  };

  const leave = () => {
    window.location.assign(signedOutUrl);
  };

  const schedule = (fn, seconds) => {
    window.clearTimeout(timer);
    timer = window.setTimeout(fn, Math.max(seconds, 1) * 1000);
  };

  const close = () => {
    window.clearInterval(ticker);
    if (dialog.open) {
      dialog.close();
    }
  };

  const tick = () => {
    const left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    countdown.textContent = describe(left);
    if (left % 30 === 0 && left > 0) {
      announcement.textContent = `You will be signed out in ${describe(left)}.`;
    }
  };

  const open = (remaining) => {
    deadline = Date.now() + remaining * 1000;
    tick();
    announcement.textContent = `You will be signed out in ${describe(remaining)}.`;
    if (!dialog.open) {
      dialog.showModal();
      form.querySelector("button").focus();
    }
    window.clearInterval(ticker);
    ticker = window.setInterval(tick, 1000);
  };

  const ask = async (method, body) => {
    const response = await fetch(statusUrl, {
      method,
      body,
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    });
    if (response.status === 401 || response.status === 403) {
      return null;
    }
    if (!response.ok) {
      throw new Error(`keep-alive answered ${response.status}`);
    }
    return response.json();
  };

  const plan = (remaining) => {
    if (remaining > warningSeconds) {
      close();
      schedule(check, remaining - warningSeconds);
    } else {
      open(remaining);
      schedule(check, remaining + 1);
    }
  };

  async function check() {
    let status;
    try {
      status = await ask("GET");
    } catch {
      schedule(check, 30);
      return;
    }
    if (status === null || !status.signed_in) {
      leave();
      return;
    }
    plan(status.remaining_seconds);
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const status = await ask("POST", new FormData(form));
      if (status === null) {
        leave();
        return;
      }
      plan(status.remaining_seconds);
    } catch {
      form.submit();
    }
  });

  dialog.addEventListener("cancel", (event) => {
    // Escape means "stay signed in", as closing the GOV.UK timeout warning does.
    event.preventDefault();
    form.requestSubmit();
  });

  plan(Number(dialog.dataset.remainingSeconds));
}
