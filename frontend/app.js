// Loaded as a module at the end of <body>: no inline script, so the CSP stays strict.
import { initAll } from "../govuk/govuk-frontend.min.js";

document.body.classList.add("govuk-frontend-supported");
initAll();

// A text box marked data-module="app-setting-autocomplete" becomes GOV.UK's accessible
// autocomplete, suggesting from its data-source-url as it is typed. Without JavaScript (or if
// this fails) it stays the plain text box, which the server matches just the same.
const settingBoxes = document.querySelectorAll('[data-module="app-setting-autocomplete"]');
if (settingBoxes.length) {
  import("../accessible-autocomplete/accessible-autocomplete.min.js").then(() => {
    settingBoxes.forEach(enhanceSettingBox);
  });
}

function enhanceSettingBox(input) {
  const wrapper = document.createElement("div");
  input.parentNode.insertBefore(wrapper, input);
  input.remove();
  let latest = 0;
  window.accessibleAutocomplete({
    element: wrapper,
    id: input.id,
    name: input.name,
    defaultValue: input.value,
    minLength: 2,
    confirmOnBlur: false,
    inputClasses: input.classList.contains("govuk-input--error") ? "govuk-input--error" : "",
    source(query, populateResults) {
      const asked = ++latest;
      const url = `${input.dataset.sourceUrl}?q=${encodeURIComponent(query)}`;
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then((response) => (response.ok ? response.json() : { settings: [] }))
        .then((data) => asked === latest && populateResults(data.settings))
        .catch(() => asked === latest && populateResults([]));
    },
    templates: {
      inputValue: (setting) => (setting ? `${setting.name} (${setting.urn})` : ""),
      suggestion: (setting) =>
        typeof setting === "string" ? setting : `${escapeHtml(setting.name)} (${setting.urn})`,
    },
    tNoResults: () => "No setting starts with that name or URN",
  });
}

function escapeHtml(text) {
  const span = document.createElement("span");
  span.textContent = text;
  return span.innerHTML;
}

// The MOJ filter layout: on a narrow screen the filter is behind a "Show filter" button (MOJ's
// filter toggle button); where the filter fits beside the results (1020 px), it is always shown.
const filters = document.querySelectorAll("[data-app-filter]");
if (filters.length) {
  import("../moj/filter-toggle-button.mjs").then(({ FilterToggleButton }) => {
    filters.forEach(
      (filter) =>
        new FilterToggleButton(filter, {
          bigModeMediaQuery: "(min-width: 63.75em)",
          startHidden: false,
        }),
    );
  });
}

// A table in a scrolling pane says so in words when it is wider than the pane (MOJ's shadows
// at the pane's edges show it too).
const panes = document.querySelectorAll(".app-table-pane");
function markOverflowing() {
  panes.forEach((pane) => {
    const hint = pane.previousElementSibling;
    if (hint && hint.classList.contains("app-scroll-hint")) {
      hint.hidden = pane.scrollWidth <= pane.clientWidth;
    }
  });
}
if (panes.length) {
  markOverflowing();
  window.addEventListener("resize", markOverflowing);
}
