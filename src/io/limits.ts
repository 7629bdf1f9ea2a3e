/**
 * Bounds on what writeprof accepts, so that hostile or broken input ends in one line and exit 2
 * instead of a stack overflow, an out-of-memory crash or a command that never ends.
 * Each is far above what a real run produces (see the README's limits section).
 */

/** Any JSON input (profile, claims, results, journal): a 60-case validation run is ~0.1 MiB. */
export const MAX_INPUT_BYTES = 16 * 1024 * 1024;
/** Nesting of JSON arrays/objects: results documents nest 5 levels deep. */
export const MAX_JSON_DEPTH = 64;
/** Cases one profile (with flags) may expand to; the validation matrix is 60. */
export const MAX_CASES_PER_PLAN = 10_000;
/**
 * Samples one case of a results document may carry (also the most --max-samples allows), and
 * all its cases together: compare bootstraps every case 2,000 times, ~1.2 s of CPU per
 * 10,000-sample case on the 2-core machine, so a comparison at these limits (25 such cases) takes
 * ~30 s of CPU; 100,000-sample cases took 25 s each. The gate's merged baseline holds 600 samples
 * per case, 21,000 in all.
 */
export const MAX_SAMPLES_PER_CASE = 10_000;
export const MAX_SAMPLES_PER_DOCUMENT = 250_000;
/** Waiting for data from a pipe or FIFO given as input, with nothing arriving. */
export const INPUT_IDLE_TIMEOUT_MS = 10_000;
