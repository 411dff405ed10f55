import { z } from 'zod';

/** How a sensor waits between pokes; `deferred` behaves as `reschedule` (there is no triggerer). */
export const SENSOR_MODES = ['reschedule', 'poke', 'deferred'] as const;
export type SensorMode = (typeof SENSOR_MODES)[number];

export interface SensorSettings {
  pokeIntervalSeconds: number;
  timeoutSeconds: number;
  mode: SensorMode;
  softFail: boolean;
  exponentialBackoff: boolean;
}

/**
 * The one place sensor defaults are written: the `with` schema applies them at upsert, the
 * sensor base applies them to a `with` that skipped validation (a direct call, an older spec).
 */
export const SENSOR_DEFAULTS: Readonly<SensorSettings> = {
  pokeIntervalSeconds: 30,
  timeoutSeconds: 7 * 86_400,
  mode: 'reschedule',
  softFail: false,
  exponentialBackoff: false,
};

/**
 * The `with` fields every sensor shares; a sensor's schema spreads them after its own fields.
 * exponentialBackoff has no schema default so that specs normalised before it existed keep
 * their hash.
 */
export const SENSOR_WITH_FIELDS = {
  pokeIntervalSeconds: z.number().positive().max(86_400).default(SENSOR_DEFAULTS.pokeIntervalSeconds),
  timeoutSeconds: z
    .number()
    .positive()
    .max(30 * 86_400)
    .default(SENSOR_DEFAULTS.timeoutSeconds),
  mode: z.enum(SENSOR_MODES).default(SENSOR_DEFAULTS.mode),
  softFail: z.boolean().default(SENSOR_DEFAULTS.softFail),
  exponentialBackoff: z.boolean().optional(),
};
