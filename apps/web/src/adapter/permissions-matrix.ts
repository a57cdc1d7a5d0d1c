import type { FieldAccess, FormPermissions, RolePermission, RowScope } from '../api/admin';

/*
 * The field-permissions editor's model: every role with all four actions and its row scope
 * made explicit (the API's defaults filled in), and a level per field and role; turned back
 * into the stored document with only what differs from "editable".
 */

export type FormAction = 'read' | 'create' | 'update' | 'delete';
export const FORM_ACTIONS: readonly FormAction[] = ['read', 'create', 'update', 'delete'];

/** Same defaults as the API (apps/api/src/modules/forms/form-permissions.ts) for roles a form does not list. */
const DEFAULTS: Record<string, Record<FormAction, boolean>> = {
  admin: { read: true, create: true, update: true, delete: true },
  designer: { read: true, create: true, update: true, delete: true },
  staff: { read: true, create: true, update: true, delete: false },
  // Credit managers review every customer and set limits (DOMAIN: credit_limit is theirs); deleting stays with admins and designers.
  credit_manager: { read: true, create: true, update: true, delete: false },
  viewer: { read: true, create: false, update: false, delete: false },
};
const NONE: Record<FormAction, boolean> = { read: false, create: false, update: false, delete: false };

export type RoleRow = Record<FormAction, boolean> & { role: string; rows: RowScope };

export interface PermissionsModel {
  roles: RoleRow[];
  /** field → role → level (every field and role present). */
  fields: Record<string, Record<string, FieldAccess>>;
  ownerField: string | null;
  sensitive: string[];
}

export function toModel(doc: FormPermissions | null | undefined, roleKeys: readonly string[], fieldKeys: readonly string[]): PermissionsModel {
  const roles = roleKeys.map((role) => {
    const stored: RolePermission = doc?.roles?.[role] ?? {};
    const base = DEFAULTS[role] ?? NONE;
    const row = { role, rows: stored.rows === 'own' ? 'own' : 'all' } as RoleRow;
    for (const action of FORM_ACTIONS) row[action] = typeof stored[action] === 'boolean' ? stored[action]! : base[action];
    return row;
  });
  const fields: PermissionsModel['fields'] = {};
  for (const field of fieldKeys) {
    fields[field] = {};
    for (const role of roleKeys) fields[field]![role] = doc?.fields?.[field]?.[role] ?? 'editable';
  }
  return {
    roles,
    fields,
    ownerField: doc?.ownerField ?? null,
    sensitive: (doc?.sensitive ?? []).filter((f) => fieldKeys.includes(f)),
  };
}

/** The document to PUT: admin is never written (it always has full access); "editable" is the default and omitted. */
export function toDocument(model: PermissionsModel): FormPermissions {
  const roles: NonNullable<FormPermissions['roles']> = {};
  for (const row of model.roles) {
    if (row.role === 'admin') continue;
    roles[row.role] = { read: row.read, create: row.create, update: row.update, delete: row.delete, rows: row.rows };
  }
  const fields: NonNullable<FormPermissions['fields']> = {};
  for (const [field, byRole] of Object.entries(model.fields)) {
    const restricted = Object.entries(byRole).filter(([role, level]) => role !== 'admin' && level !== 'editable');
    if (restricted.length) fields[field] = Object.fromEntries(restricted);
  }
  const doc: FormPermissions = { roles, fields };
  if (model.ownerField) doc.ownerField = model.ownerField;
  if (model.sensitive.length) doc.sensitive = [...model.sensitive];
  return doc;
}
