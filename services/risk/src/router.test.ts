import { describe, expect, it } from 'vitest';
import { HomeMap } from './router.ts';

describe('the router’s person → household map follows the household feed as the join’s persons table does', () => {
  it('places members, lets the newest snapshot of a household drop members it no longer lists', () => {
    const homes = new HomeMap();
    homes.snapshot('H-1', '2025-01-01', ['P-1', 'P-2']);
    expect([homes.householdOf('P-1'), homes.householdOf('P-2')]).toEqual(['H-1', 'H-1']);
    homes.snapshot('H-1', '2025-02-01', ['P-1']);
    expect([homes.householdOf('P-1'), homes.householdOf('P-2')]).toEqual(['H-1', undefined]);
  });

  it('ignores a late, older snapshot of a household', () => {
    const homes = new HomeMap();
    homes.snapshot('H-1', '2025-02-01', ['P-1']);
    homes.snapshot('H-1', '2025-01-01', ['P-2']);
    expect([homes.householdOf('P-1'), homes.householdOf('P-2')]).toEqual(['H-1', undefined]);
  });

  it('moves a person to the household that names them last, and the old one’s next snapshot does not unplace them', () => {
    const homes = new HomeMap();
    homes.snapshot('H-1', '2025-01-01', ['P-1', 'P-2']);
    homes.snapshot('H-2', '2025-02-01', ['P-3', 'P-2']);
    expect(homes.householdOf('P-2')).toBe('H-2');
    homes.snapshot('H-1', '2025-02-02', ['P-1']);
    expect(homes.householdOf('P-2')).toBe('H-2');
    // An older snapshot of another household does not take a person placed more recently.
    homes.snapshot('H-3', '2025-01-15', ['P-2']);
    expect(homes.householdOf('P-2')).toBe('H-2');
  });

  it('a dissolution keeps its date: an older snapshot of the household after it changes nothing', () => {
    const homes = new HomeMap();
    homes.snapshot('H-1', '2025-01-01', ['P-1']);
    homes.dissolved('H-1', '2025-03-01');
    homes.snapshot('H-1', '2025-02-01', ['P-9']);
    expect([homes.householdOf('P-1'), homes.householdOf('P-9')]).toEqual(['H-1', undefined]);
  });
});
