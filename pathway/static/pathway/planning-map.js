// Need by area: the choropleth, drawn with Leaflet when JavaScript runs. Without it the page
// already has the same figures in a table, so this only adds a picture. No map tiles (there is
// no network at run time): just the areas' boundaries, served by the app with the figures
// joined in. Each area carries its class number (or [c]) so the map reads without colour.
import * as L from "../leaflet/leaflet-src.esm.js";

const FILLS = ["#ffffff", "#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"];

function style(feature) {
  const props = feature.properties;
  return {
    color: "#0b0c0c",
    weight: 1,
    dashArray: props.suppressed ? "4 3" : null,
    fillColor: props.suppressed ? "#ffffff" : FILLS[props.class] || FILLS[0],
    fillOpacity: 1,
  };
}

function label(props) {
  if (props.suppressed) return "[c]";
  return String(props.class);
}

async function draw(container) {
  const response = await fetch(container.dataset.geojsonUrl, {
    credentials: "same-origin",
    headers: { Accept: "application/geo+json" },
  });
  if (!response.ok) return;
  const data = await response.json();
  if (!data.features.length) return;
  container.hidden = false;
  container.setAttribute("role", "img");
  container.setAttribute("aria-labelledby", container.dataset.labelId);
  const map = L.map(container, {
    attributionControl: false,
    keyboard: false,
    zoomControl: false,
    scrollWheelZoom: false,
    boxZoom: false,
    doubleClickZoom: false,
    dragging: false,
    touchZoom: false,
  });
  const layer = L.geoJSON(data, {
    style,
    interactive: false,
    onEachFeature(feature, shape) {
      shape.bindTooltip(label(feature.properties), {
        permanent: true,
        direction: "center",
        className: "app-planning-label",
        interactive: false,
      });
    },
  }).addTo(map);
  map.fitBounds(layer.getBounds(), { padding: [10, 10] });
  container.dataset.ready = "true";
}

const container = document.getElementById("planning-map");
if (container) {
  draw(container).catch(() => {
    container.hidden = true;
  });
}
