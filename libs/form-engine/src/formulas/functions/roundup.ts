import { FDecimal } from '../values.js';
import { rounding } from './math-helpers.js';

export const ROUNDUP = rounding('ROUNDUP', FDecimal.ROUND_UP);
