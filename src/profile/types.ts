import type { Measurement, Mode } from '../model.js';
import type { AxisValues } from './axes.js';

/** One block of the sweep: a mode and every axis resolved to its list of values. */
export interface Suite {
  mode: Mode;
  axes: AxisValues;
}

/** A profile after loading: defaults merged, every value checked. */
export interface Profile {
  name: string;
  description?: string;
  /** The file it came from, as shown to the user. */
  source: string;
  measurement: Measurement;
  /** Built-in defaults overlaid with the profile's own: used for suites built from flags. */
  defaults: AxisValues;
  suites: Suite[];
}
