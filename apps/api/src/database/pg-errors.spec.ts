import { describe, expect, it } from 'vitest';
import { translatePgError } from './pg-errors.js';

describe('translatePgError', () => {
  it.each([
    ['23505', 409, 'db.unique_violation'],
    ['23503', 422, 'db.foreign_key_violation'],
    ['40001', 409, 'db.serialization_failure'],
    ['22P02', 400, 'db.invalid_input'],
  ])('maps SQLSTATE %s to %i', (code, status, key) => {
    expect(translatePgError({ code })).toMatchObject({ status, code: key });
    expect(translatePgError({ driverError: { code } })).toMatchObject({ status, code: key });
  });

  it('leaves server faults alone (they stay 500)', () => {
    expect(translatePgError({ code: '53300' })).toBeUndefined();
    expect(translatePgError(new Error('boom'))).toBeUndefined();
  });
});
