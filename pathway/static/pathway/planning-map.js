// Need by area: the choropleth, drawn with Leaflet when JavaScript runs. Without it the page
// already has the same figures in a table, so this only adds a picture. No map tiles (there is
// no network at run time): just the areas' boundaries, served by the app with the figures
// joined in. Each area carries its class number (or [c]) so the map reads without colour.
//
// Each area can be explored with a mouse or the keyboard: it is a link (Tab moves between
// them) named with the area, its figure and its class; hovering or focusing it shows the name
// and figure beside it (Escape hides it), and following it goes to the area's row in the table.
import * as L from "../leaflet/leaflet-src.esm.js";

// ColorBrewer "Blues", the fourth darkened so a white number on it meets 4.5:1 (as in the key).
const FILLS = ["#ffffff", "#eff3ff", "#bdd7e7", "#6baed6", "#2171b5", "#08519c"];
const FOCUS_STROKE = "#0b0c0c";

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

function describe(props, measure) {
  if (props.suppressed) return `${props.name}: [c], confidential (suppressed)`;
  const kind = props.class ? `class ${props.class}` : "none";
  return `${props.name}: ${measure} ${props.value} (${kind})`;
}

function goToRow(props) {
  const row = document.getElementById(`area-${props.code}`);
  if (!row) return;
  window.history.replaceState(null, "", `#area-${props.code}`);
  row.scrollIntoView({ block: "center" });
  row.focus({ preventScroll: true });
}

function showMessage(container, text) {
  const placeholder = container.querySelector(".app-planning-map__placeholder");
  if (placeholder) placeholder.textContent = text;
  container.removeAttribute("aria-busy");
}

async function draw(container) {
  // While the map data loads, its space is kept and says what is coming.
  container.hidden = false;
  container.setAttribute("aria-busy", "true");
  const response = await fetch(container.dataset.geojsonUrl, {
    credentials: "same-origin",
    headers: { Accept: "application/geo+json" },
  });
  if (!response.ok) throw new Error(`map data: ${response.status}`);
  const data = await response.json();
  if (!data.features.length) {
    showMessage(container, "There are no area boundaries to draw. The figures are in the table below.");
    return;
  }
  container.replaceChildren();
  container.removeAttribute("aria-busy");
  container.setAttribute("role", "group");
  container.setAttribute("aria-labelledby", container.dataset.labelId);
  const measure = container.dataset.measure || "figure";
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
  const hover = L.tooltip({ direction: "top", className: "app-planning-hover", opacity: 1 });
  // The area pointed to or focused gets a thick edge drawn over its neighbours (a copy of its
  // outline: moving the area itself in the page would lose its focus).
  let edge = null;
  const show = (shape, props) => {
    hover.setLatLng(shape.getBounds().getCenter()).setContent(describe(props, measure));
    map.openTooltip(hover);
    if (edge) edge.remove();
    edge = L.geoJSON(shape.toGeoJSON(), {
      style: { color: FOCUS_STROKE, weight: 4, fill: false },
      interactive: false,
    }).addTo(map);
  };
  const hide = () => {
    map.closeTooltip(hover);
    if (edge) edge.remove();
    edge = null;
  };
  const shapes = [];
  const layer = L.geoJSON(data, {
    style,
    onEachFeature(feature, shape) {
      shape.bindTooltip(label(feature.properties), {
        permanent: true,
        direction: "center",
        className: "app-planning-label",
        interactive: false,
      });
      shape.on("mouseover", () => show(shape, feature.properties));
      shape.on("mouseout", hide);
      shape.on("click", () => goToRow(feature.properties));
      shapes.push([shape, feature.properties]);
    },
  }).addTo(map);
  map.fitBounds(layer.getBounds(), { padding: [10, 10] });
  // Each area a link, in the table's order.
  for (const [shape, props] of shapes) {
    const element = shape.getElement();
    if (!element) continue;
    element.setAttribute("tabindex", "0");
    element.setAttribute("role", "link");
    element.setAttribute("aria-label", `${describe(props, measure)}. Go to its row in the table`);
    element.classList.add("app-planning-area");
    element.addEventListener("focus", () => show(shape, props));
    element.addEventListener("blur", hide);
    element.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        goToRow(props);
      } else if (event.key === "Escape") {
        map.closeTooltip(hover);
      }
    });
  }
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") map.closeTooltip(hover);
  });
  container.dataset.ready = "true";
}

const container = document.getElementById("planning-map");
if (container) {
  draw(container).catch(() => {
    showMessage(container, "The map could not be loaded. The same figures are in the table below.");
  });
}
