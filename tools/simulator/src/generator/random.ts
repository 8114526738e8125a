// A seeded source of randomness and the few distributions the feed is drawn from. Everything the
// simulator generates goes through one of these, so the same seed always gives the same feed.

export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  /** Uniform in [min, max). */
  between(min: number, max: number): number;
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** One of the items, with probability proportional to its weight. */
  weighted<T>(items: readonly (readonly [T, number])[]): T;
  /** Standard normal (Box–Muller). */
  normal(): number;
  /** Log-normal with the given median and σ of the underlying normal. */
  logNormal(median: number, sigma: number): number;
  /** Poisson-distributed count with the given mean (Knuth's method: fine for small means). */
  poisson(mean: number): number;
  /** Log-normal redrawn until it falls in [min, max]: a truncated distribution, not a clamped one. */
  logNormalWithin(median: number, sigma: number, min: number, max: number): number;
}

export function createRandom(seed: number | string): Random {
  const next = mulberry32(typeof seed === 'number' ? seed : hashString(seed));
  const random: Random = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    between: (min, max) => min + next() * (max - min),
    chance: (probability) => next() < probability,
    pick: (items) => {
      if (items.length === 0) throw new RangeError('cannot pick from an empty list');
      return items[Math.floor(next() * items.length)] as (typeof items)[number];
    },
    weighted: (items) => {
      const total = items.reduce((sum, [, weight]) => sum + weight, 0);
      let draw = next() * total;
      for (const [item, weight] of items) {
        draw -= weight;
        if (draw < 0) return item;
      }
      const last = items.at(-1);
      if (last === undefined) throw new RangeError('cannot pick from an empty list');
      return last[0];
    },
    normal: () => {
      // 1 − next() is in (0, 1], so the logarithm is finite.
      const u = 1 - next();
      const v = next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    logNormal: (median, sigma) => median * Math.exp(sigma * random.normal()),
    poisson: (mean) => {
      const limit = Math.exp(-mean);
      let count = 0;
      for (let product = next(); product > limit; product *= next()) count++;
      return count;
    },
    logNormalWithin: (median, sigma, min, max) => {
      for (let attempt = 0; attempt < 1000; attempt++) {
        const value = random.logNormal(median, sigma);
        if (value >= min && value <= max) return value;
      }
      return Math.min(max, Math.max(min, median));
    },
  };
  return random;
}

/** A 32-bit hash of a string (FNV-1a), to derive independent seeds from one seed and a label. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

// Small, well-known 32-bit generator: deterministic per seed, fine for synthetic data (never secrets).
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
