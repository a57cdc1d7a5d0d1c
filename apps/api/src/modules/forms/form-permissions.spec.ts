import { describe, expect, it } from 'vitest';
import { effectiveAccess, type FormPermissionsDocument } from './form-permissions.js';

const doc: FormPermissionsDocument = {
  roles: { staff: { delete: false, rows: 'own' }, credit_manager: { read: true, update: true } },
  fields: { credit_limit: { staff: 'readonly', viewer: 'hidden', credit_manager: 'editable' }, bank_account: { viewer: 'hidden', staff: 'hidden' } },
  ownerField: 'sales_owner',
};

describe('effectiveAccess', () => {
  it('admin can do everything, whatever the document says', () => {
    const access = effectiveAccess({ roles: { admin: { delete: false } }, fields: { x: { admin: 'hidden' } } }, ['admin']);
    expect(access.actions).toEqual({ read: true, create: true, update: true, delete: true });
    expect(access.hidden.size).toBe(0);
  });

  it('built-in defaults apply to roles the document does not mention', () => {
    expect(effectiveAccess({}, ['viewer']).actions).toEqual({ read: true, create: false, update: false, delete: false });
    expect(effectiveAccess({}, ['staff']).actions).toEqual({ read: true, create: true, update: true, delete: false });
    expect(effectiveAccess({}, ['nobody']).actions).toEqual({ read: false, create: false, update: false, delete: false });
  });

  it('staff: own rows only, credit_limit read-only, bank_account hidden', () => {
    const access = effectiveAccess(doc, ['staff']);
    expect(access.ownRowsOnly).toEqual({ field: 'sales_owner' });
    expect([...access.readonly]).toEqual(['credit_limit']);
    expect([...access.hidden]).toEqual(['bank_account']);
  });

  it('a second role lifts restrictions (most permissive wins)', () => {
    const access = effectiveAccess(doc, ['staff', 'credit_manager']);
    expect(access.ownRowsOnly).toBeNull();
    expect(access.readonly.has('credit_limit')).toBe(false);
    expect(access.hidden.has('bank_account')).toBe(false);
  });

  it('viewer: credit_limit hidden', () => {
    expect(effectiveAccess(doc, ['viewer']).hidden).toEqual(new Set(['credit_limit', 'bank_account']));
  });
});
