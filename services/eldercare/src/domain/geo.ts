/** A point in GCJ-02, the system Chinese map SDKs (and so caregivers' phones) report. */
export interface GeoPoint {
  lng: number;
  lat: number;
}

const EARTH_RADIUS_M = 6_371_008.8; // mean radius (IUGG)

/**
 * Great-circle distance in metres by the haversine formula. Both points are GCJ-02: its offset from
 * WGS-84 varies slowly, so distances of a few hundred metres come out right within a metre or two.
 */
export function haversineMeters(a: GeoPoint, b: GeoPoint): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}
