// Builds the front end into static_build/ from packages installed by npm ci; no network, no CDN.
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "static_build");
const govuk = join(root, "node_modules", "govuk-frontend", "dist", "govuk");
const leaflet = join(root, "node_modules", "leaflet", "dist");
const autocomplete = join(root, "node_modules", "accessible-autocomplete", "dist");
const moj = join(root, "node_modules", "@ministryofjustice", "frontend", "moj");

mkdirSync(join(out, "app"), { recursive: true });
const css = sass.compile(join(root, "frontend", "app.scss"), {
  style: "compressed",
  importers: [new sass.NodePackageImporter()],
  // MOJ Frontend reaches GOV.UK Frontend as "node_modules/govuk-frontend/...": from the root.
  loadPaths: [root],
  quietDeps: true,
  silenceDeprecations: ["import"],
});
writeFileSync(join(out, "app", "app.css"), css.css);
cpSync(join(root, "frontend", "app.js"), join(out, "app", "app.js"));
cpSync(join(govuk, "govuk-frontend.min.js"), join(out, "govuk", "govuk-frontend.min.js"));
cpSync(join(govuk, "assets", "images"), join(out, "govuk", "assets", "images"), { recursive: true });
cpSync(join(govuk, "assets", "manifest.json"), join(out, "govuk", "assets", "manifest.json"));
cpSync(leaflet, join(out, "leaflet"), { recursive: true });
// With their source maps: the files name them, and collectstatic refuses a missing one.
for (const name of [
  "accessible-autocomplete.min.js",
  "accessible-autocomplete.min.js.map",
  "accessible-autocomplete.min.css",
  "accessible-autocomplete.min.css.map",
]) {
  cpSync(join(autocomplete, name), join(out, "accessible-autocomplete", name));
}
// The MOJ components app.js starts (only those the service uses), each a self-contained module.
mkdirSync(join(out, "moj"), { recursive: true });
// The icons the MOJ styles point to (the filter's toggle, a tag's remove cross), beside
// GOV.UK's images, where app.scss tells the MOJ styles to find them.
cpSync(join(moj, "assets", "images"), join(out, "govuk", "assets", "images"), {
  recursive: true,
  filter: (source) => !/\.png$/.test(source),
});
cpSync(
  join(moj, "components", "filter-toggle-button", "filter-toggle-button.bundle.mjs"),
  join(out, "moj", "filter-toggle-button.mjs"),
);
console.log("front end built into static_build/");
