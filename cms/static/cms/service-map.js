// The service page's map, drawn with Leaflet when JavaScript runs. Without it the page shows
// the address and a link to a map, and the figure (map and caption) stays hidden. There are no map
// tiles (no network at run time): the service's location is drawn over its area's boundary.
import * as L from "../leaflet/leaflet-src.esm.js";

const container = document.getElementById("service-map");
const source = container && document.getElementById(container.dataset.mapSource);

if (container && source) {
  const data = JSON.parse(source.textContent);
  const figure = container.closest("figure");
  if (figure) figure.hidden = false;
  container.hidden = false;
  container.setAttribute("role", "img");
  container.setAttribute("aria-labelledby", "service-map-description");
  const map = L.map(container, {
    attributionControl: false,
    scrollWheelZoom: false,
    keyboard: false,
    zoomControl: false,
    dragging: false,
    doubleClickZoom: false,
    boxZoom: false,
    touchZoom: false,
  });
  const layers = [];
  if (data.boundary) {
    layers.push(
      L.geoJSON(data.boundary, {
        style: { color: "#1d70b8", weight: 2, fillColor: "#1d70b8", fillOpacity: 0.08 },
        interactive: false,
      }),
    );
  }
  for (const point of data.points) {
    layers.push(
      L.circleMarker([point.lat, point.lng], {
        radius: 9,
        color: "#0b0c0c",
        weight: 3,
        fillColor: "#d4351c",
        fillOpacity: 1,
        interactive: false,
      }),
    );
  }
  // The view is set before anything is drawn: Leaflet cannot draw paths on a map with no view.
  const group = L.featureGroup(layers);
  map.fitBounds(group.getBounds(), { padding: [20, 20], maxZoom: 14 });
  group.addTo(map);
  container.classList.add("app-map--ready");
}
