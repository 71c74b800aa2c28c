import type { Models } from '../db/models/index.ts';
import type { Profile } from '../domain/profile.ts';

/**
 * Makes the profile's units exist in the directory, so imports and routing can refer to them. A unit's name
 * and kind follow the profile; units added by an import are left alone.
 */
export async function syncProfileUnits(models: Models, profile: Profile): Promise<void> {
  if (profile.units.length === 0) return;
  await models.Unit.collection.bulkWrite(
    profile.units.map((unit) => ({
      updateOne: { filter: { code: unit.code }, update: { $set: { code: unit.code, name: unit.name, kind: unit.kind } }, upsert: true },
    })),
  );
}
