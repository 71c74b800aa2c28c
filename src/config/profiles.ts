import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parseProfile, type Profile } from '../domain/profile.ts';
import type { HolidayOverrides } from '../domain/working-days.ts';
import { projectRoot } from '../runtime/paths.ts';

export const PROFILES_DIR = join(projectRoot, 'config', 'profiles');

/** The profiles that ship, by name (file name without `.yaml`). */
export function listProfiles(dir = PROFILES_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort();
}

/** Reads and validates `config/profiles/NAME.yaml`; a bad profile throws a `ProfileError` naming each path. */
export function loadProfile(name: string, dir = PROFILES_DIR): Profile {
  const file = join(dir, `${name}.yaml`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new Error(`Profile "${name}" not found: expected ${file} (available: ${listProfiles(dir).join(', ')})`);
  }
  return parseProfile(parse(text));
}

/** The profile's calendar overrides keyed by numeric year, as the working-day calendar takes them. */
export function calendarOverrides(profile: Profile): HolidayOverrides {
  return Object.fromEntries(Object.entries(profile.calendar.overrides).map(([year, days]) => [Number(year), days]));
}
