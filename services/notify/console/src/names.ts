// People's display names for the user ids discovery's alerts carry (assignee, note authors,
// history). Only what the signed-in role may already read at identity is asked for: supervisors,
// admins and auditors list the users they may see (`GET /v1/users`, identity filters it to the
// town for a supervisor); a case handler reads the rosters of their own communities. Anyone the
// console cannot name is shown by id.
import { useEffect, useState } from 'preact/hooks';
import { currentUser, getJson, identity } from './api.ts';
import { communitiesOf } from './format.ts';

type Names = ReadonlyMap<string, string>;

let loaded: { userId: string; names: Promise<Names> } | null = null;
const listeners = new Set<(names: Names) => void>();

async function fetchNames(): Promise<Names> {
  const me = currentUser();
  const names = new Map<string, string>();
  if (!me) return names;
  names.set(me.id, me.displayName);
  // A bureau leader reads the scorecard only: nobody else's name to ask for.
  if (me.role === 'bureau-leader') return names;
  if (me.role === 'town-supervisor' || me.role === 'bureau-admin' || me.role === 'auditor') {
    const { users } = await getJson<{ users: { id: string; displayName: string }[] }>(identity('/v1/users'));
    for (const u of users) names.set(u.id, u.displayName);
  } else {
    const rosters = await Promise.all(
      communitiesOf(me.jurisdictions).map((c) =>
        getJson<{ handlers: { userId: string; displayName: string }[] }>(
          identity(`/v1/rosters/communities/${c.code}`),
        ).catch(() => ({ handlers: [] })),
      ),
    );
    for (const r of rosters) for (const h of r.handlers) names.set(h.userId, h.displayName);
  }
  return names;
}

function load(): Promise<Names> {
  const userId = currentUser()?.id ?? '';
  if (!loaded || loaded.userId !== userId) {
    const names = fetchNames().catch(() => new Map<string, string>() as Names);
    loaded = { userId, names };
    void names.then((n) => {
      if (loaded?.names === names) for (const l of listeners) l(n);
    });
  }
  return loaded.names;
}

/** Ask identity again (after a roster edit the console made, or a person it could not name). */
export function reloadNames(): void {
  loaded = null;
  void load();
}

/** A function from user id to display name; falls back to the id until (or unless) it is known. */
export function useNames(): (userId: string | null | undefined) => string {
  const [names, setNames] = useState<Names>(new Map());
  useEffect(() => {
    listeners.add(setNames);
    void load().then(setNames);
    return () => {
      listeners.delete(setNames);
    };
  }, []);
  return (userId) => (userId ? (names.get(userId) ?? userId) : '');
}
