export const apiKey = import.meta.env.VITE_API_KEY;
const GOOGLE_MAPS_KEY = "AIzadinZnLXicaBAg8WY1jzIRlNQb0prFmbh7_w";
export const mapsKey = GOOGLE_MAPS_KEY;
