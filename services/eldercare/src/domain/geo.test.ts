import { describe, expect, it } from 'vitest';
import { haversineMeters } from './geo.ts';
import { shanghaiDate, shanghaiInstant, shanghaiMonth } from './shanghai-time.ts';

describe('haversine on GCJ-02', () => {
  it('measures 0.001° of latitude as about 111 m and is symmetric', () => {
    const home = { lng: 121.1093, lat: 31.4602 };
    const north = { lng: 121.1093, lat: 31.4612 };
    expect(Math.round(haversineMeters(home, north))).toBe(111);
    expect(haversineMeters(north, home)).toBeCloseTo(haversineMeters(home, north), 9);
    expect(haversineMeters(home, home)).toBe(0);
  });

  it('measures 0.001° of longitude at Taicang’s latitude as about 95 m', () => {
    expect(Math.round(haversineMeters({ lng: 121.1093, lat: 31.46 }, { lng: 121.1103, lat: 31.46 }))).toBe(
      95,
    );
  });
});

describe('Shanghai calendar', () => {
  it('puts 16:30Z on the next Shanghai day and month', () => {
    expect(shanghaiDate(new Date('2026-03-31T16:30:00Z'))).toBe('2026-04-01');
    expect(shanghaiMonth(new Date('2026-03-31T16:30:00Z'))).toBe('2026-04');
    expect(shanghaiInstant('2026-03-16', 10).toISOString()).toBe('2026-03-16T02:00:00.000Z');
  });
});
