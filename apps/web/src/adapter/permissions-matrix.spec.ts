import { describe, expect, it } from 'vitest';
import { toDocument, toModel } from './permissions-matrix';

describe('permissions matrix', () => {
  it('fills in the API defaults for roles a form does not list and keeps stored overrides', () => {
    const model = toModel({ roles: { staff: { delete: true, rows: 'own' } }, fields: { credit_limit: { viewer: 'hidden' } } }, ['admin', 'staff', 'viewer', 'credit_manager', 'auditor'], ['name', 'credit_limit']);
    expect(model.roles.find((r) => r.role === 'staff')).toEqual({ role: 'staff', read: true, create: true, update: true, delete: true, rows: 'own' });
    expect(model.roles.find((r) => r.role === 'viewer')).toEqual({ role: 'viewer', read: true, create: false, update: false, delete: false, rows: 'all' });
    expect(model.roles.find((r) => r.role === 'credit_manager')).toEqual({ role: 'credit_manager', read: true, create: true, update: true, delete: false, rows: 'all' });
    // A tenant's own role starts with nothing until an admin grants it.
    expect(model.roles.find((r) => r.role === 'auditor')).toMatchObject({ read: false, create: false, update: false, delete: false });
    expect(model.fields.credit_limit).toEqual({ admin: 'editable', staff: 'editable', viewer: 'hidden', credit_manager: 'editable', auditor: 'editable' });
  });

  it('writes every non-admin role explicitly and only restricted field levels', () => {
    const model = toModel({ ownerField: 'sales_owner', sensitive: ['credit_limit', 'gone'] }, ['admin', 'staff'], ['name', 'credit_limit']);
    model.fields.name!.staff = 'readonly';
    model.fields.name!.admin = 'hidden';
    expect(toDocument(model)).toEqual({
      roles: { staff: { read: true, create: true, update: true, delete: false, rows: 'all' } },
      fields: { name: { staff: 'readonly' } },
      ownerField: 'sales_owner',
      sensitive: ['credit_limit'],
    });
  });
});
