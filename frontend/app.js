// Loaded as a module at the end of <body>: no inline script, so the CSP stays strict.
import { initAll } from "../govuk/govuk-frontend.min.js";

document.body.classList.add("govuk-frontend-supported");
initAll();
