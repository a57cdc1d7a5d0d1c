/** A form's access rules as stored (schemas/api/form-permissions.schema.json). */
export interface FormPermissionsDocument {
  roles?: Record<string, { read?: boolean; create?: boolean; update?: boolean; delete?: boolean; rows?: 'all' | 'own' }>;
  fields?: Record<string, Record<string, 'hidden' | 'readonly' | 'editable'>>;
  ownerField?: string;
  /** Fields whose reads are audited. */
  sensitive?: string[];
}

export type FormAction = 'read' | 'create' | 'update' | 'delete';

/** What one user may do on one form, after merging all of their roles (the most permissive wins). */
export interface EffectiveAccess {
  actions: Record<FormAction, boolean>;
  /** Set when every role that can read is limited to its own rows. */
  ownRowsOnly: { field: string } | null;
  hidden: Set<string>;
  readonly: Set<string>;
}

const DEFAULTS: Record<string, Record<FormAction, boolean>> = {
  admin: { read: true, create: true, update: true, delete: true },
  designer: { read: true, create: true, update: true, delete: true },
  staff: { read: true, create: true, update: true, delete: false },
  // Credit managers review every customer and set limits (DOMAIN: credit_limit is theirs); deleting stays with admins and designers.
  credit_manager: { read: true, create: true, update: true, delete: false },
  viewer: { read: true, create: false, update: false, delete: false },
};
const NONE: Record<FormAction, boolean> = { read: false, create: false, update: false, delete: false };
const ACTIONS: FormAction[] = ['read', 'create', 'update', 'delete'];

export function effectiveAccess(doc: FormPermissionsDocument, roles: string[]): EffectiveAccess {
  if (roles.includes('admin')) {
    return { actions: { ...DEFAULTS.admin! }, ownRowsOnly: null, hidden: new Set(), readonly: new Set() };
  }
  const actions = { ...NONE };
  let allRows = false;
  let anyOwn = false;
  for (const role of roles) {
    const rule = { ...(DEFAULTS[role] ?? NONE), ...doc.roles?.[role] };
    for (const action of ACTIONS) actions[action] ||= rule[action] === true;
    if (rule.read) {
      if (doc.roles?.[role]?.rows === 'own') anyOwn = true;
      else allRows = true;
    }
  }
  const hidden = new Set<string>();
  const readonly = new Set<string>();
  for (const [field, byRole] of Object.entries(doc.fields ?? {})) {
    // A field is restricted only if every one of the user's roles restricts it.
    const levels = roles.map((role) => byRole[role] ?? 'editable');
    if (levels.length && levels.every((level) => level === 'hidden')) hidden.add(field);
    else if (levels.length && levels.every((level) => level !== 'editable')) readonly.add(field);
  }
  const ownRowsOnly = anyOwn && !allRows && doc.ownerField ? { field: doc.ownerField } : null;
  return { actions, ownRowsOnly, hidden, readonly };
}
