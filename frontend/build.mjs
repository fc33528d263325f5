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

mkdirSync(join(out, "app"), { recursive: true });
const css = sass.compile(join(root, "frontend", "app.scss"), {
  style: "compressed",
  importers: [new sass.NodePackageImporter()],
  quietDeps: true,
  silenceDeprecations: ["import"],
});
writeFileSync(join(out, "app", "app.css"), css.css);
cpSync(join(root, "frontend", "app.js"), join(out, "app", "app.js"));
cpSync(join(govuk, "govuk-frontend.min.js"), join(out, "govuk", "govuk-frontend.min.js"));
cpSync(join(govuk, "assets", "images"), join(out, "govuk", "assets", "images"), { recursive: true });
cpSync(join(govuk, "assets", "manifest.json"), join(out, "govuk", "assets", "manifest.json"));
cpSync(leaflet, join(out, "leaflet"), { recursive: true });
for (const name of ["accessible-autocomplete.min.js", "accessible-autocomplete.min.css"]) {
  cpSync(join(autocomplete, name), join(out, "accessible-autocomplete", name));
}
console.log("front end built into static_build/");
