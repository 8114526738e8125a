import { type JurisdictionUnit, taicang } from '@huimin/contracts';
import { hashString, type Random } from './random.ts';

// Where synthetic households live: a community from the platform's Taicang jurisdiction table, an
// address in the style of the area, and GCJ-02 coordinates near the town's centre. The centres are
// approximate (read off a map to about a kilometre), good for demo maps, not for navigation.

const TOWN_CENTRES: Readonly<Record<string, readonly [lng: number, lat: number]>> = {
  '320585001': [121.13, 31.455], // 娄东街道, the city centre's east
  '320585002': [121.165, 31.5], // 陆渡街道
  '320585100': [121.1, 31.455], // 城厢镇
  '320585103': [121.195, 31.6], // 浮桥镇
  '320585105': [121.03, 31.465], // 双凤镇
  '320585109': [121.05, 31.555], // 沙溪镇
  '320585110': [121.27, 31.51], // 浏河镇
  '320585111': [121.135, 31.665], // 璜泾镇
};
// Taicang's city centre, for a town added to the table later.
const COUNTY_CENTRE = [121.11, 31.455] as const;

export interface Place {
  townCode: string;
  communityCode: string;
  address: { text: string; lng: number; lat: number };
}

const communities: readonly JurisdictionUnit[] = taicang.communities();

export function pickPlace(random: Random): Place {
  return placeIn(random.pick(communities), random);
}

/** A place in another community than `communityCode` (a household moving). */
export function pickOtherPlace(random: Random, communityCode: string): Place {
  const others = communities.filter((c) => c.code !== communityCode);
  return placeIn(random.pick(others), random);
}

function placeIn(community: JurisdictionUnit, random: Random): Place {
  const town = taicang.townOf(community.code);
  if (town === undefined) throw new Error(`community ${community.code} has no town`);
  const [townLng, townLat] = TOWN_CENTRES[town.code] ?? COUNTY_CENTRE;
  // Each community sits at a fixed offset from its town's centre (up to ~2.5 km), and each
  // household within ~400 m of its community.
  const h = hashString(community.code);
  const lng = townLng + (((h & 0xffff) / 0xffff) * 2 - 1) * 0.025 + random.between(-0.004, 0.004);
  const lat = townLat + (((h >>> 16) / 0xffff) * 2 - 1) * 0.02 + random.between(-0.0035, 0.0035);
  const text =
    community.kind === 'village'
      ? `太仓市${town.name}${community.name}${random.int(1, 18)}组${random.int(1, 99)}号`
      : `太仓市${town.name}${community.name.replace(/社区$/, '')}新村${random.int(1, 40)}幢${random.int(1, 6)}0${random.int(1, 4)}室`;
  return {
    townCode: town.code,
    communityCode: community.code,
    address: { text, lng: round4(lng), lat: round4(lat) },
  };
}

function round4(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
