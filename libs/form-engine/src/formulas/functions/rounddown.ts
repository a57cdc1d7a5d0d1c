import { FDecimal } from '../values.js';
import { rounding } from './math-helpers.js';

export const ROUNDDOWN = rounding('ROUNDDOWN', FDecimal.ROUND_DOWN);
