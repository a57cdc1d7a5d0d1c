import { FDecimal } from '../values.js';
import { rounding } from './math-helpers.js';

/** ROUND half away from zero, like Excel and 四舍五入. */
export const ROUND = rounding('ROUND', FDecimal.ROUND_HALF_UP);
