/**
 * autocannon is single-threaded, and so is each worker thread: at this share of one core the generator, not the
 * service, sets the pace. (Measured here: a saturated generator sits at 0.97–1.0; an idle-waiting one well under 0.8.)
 */
export const SATURATION_CORES = 0.9;
